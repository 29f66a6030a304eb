//! What a person sees and asks for: the page's snapshot of a world, the texts
//! about messages, events and violations, and the page's side of the wasm
//! façade. All native and tested; `src/wasm.rs` only converts JavaScript
//! values, and the command line prints with [`describe`].
//!
//! - [`view`]: the data types JavaScript reads, and the snapshot of a world.
//! - [`log_delta`]: a node's log as text, its fingerprint, and the delta a page
//!   fetches instead of the whole log.
//! - [`frames`]: the messages in flight packed as numbers, for drawing.
//! - [`describe`]: every sentence about messages, events and violations.
//! - [`input`]: what the page sends (configs, numbers, names), checked.
//! - [`history`]: the whole run's event list, filtered and paged.
//! - [`history_list`]: the lasting event list of a timeline (compact rows, at the cursor).
//! - [`client_history`]: the clients' requests as bars (a lane per client).
//! - [`sequence`]: the sequence diagram's arrows and lanes for a window of time.
//! - [`timeline_view`]: the time-travel timeline in milliseconds (markers, branches).

pub mod client_history;
pub mod describe;
pub mod frames;
pub mod history;
pub mod history_list;
pub mod input;
pub mod log_delta;
pub mod membership_text;
pub mod membership_view;
pub mod sequence;
pub mod timeline_view;
pub mod view;

#[cfg(test)]
mod test_world;

pub use view::{View, ViewOptions};

//! The sans-IO Raft node: no clock, no I/O, no global randomness, no wasm.
//!
//! Inputs: [`Node::step`] (a message), [`Node::tick`] (time passes),
//! [`Node::propose`] (a client command). Output: [`Node::take_ready`], one
//! [`Ready`] holding what to persist, what to send and what to apply — persist
//! before send.

pub mod bugs;
pub mod config;
pub mod log;
pub mod membership;
pub mod message;
pub mod node;
pub mod read_index;
pub mod ready;
pub mod reject;
pub mod snapshot;
pub mod types;

pub use bugs::{Bug, Bugs};
pub use config::Config;
pub use log::Log;
pub use membership::{Membership, MembershipChange, MembershipEvent, MembershipRefusal};
pub use message::{ConflictHint, Message, MessageBody};
pub use node::{Node, PersistentState, Progress, ProposeError, Role, Transfer, Votes};
pub use read_index::{ReadMode, ReadOnly, ReadyRead};
pub use ready::{NodeEvent, PersistOp, Ready};
pub use reject::{RaftMessageKind, RejectReason};
pub use snapshot::Snapshot;
pub use types::{Entry, EntryData, LogIndex, NodeId, RoleKind, Term, Time};

//! The run's history rows (see [`crate::sim::history`]) stored compactly for a
//! long run: each row is a fixed 24-byte record (time and step as offsets from
//! its chunk's start, a kind code, two node slots, a small field and three
//! numbers), in chunks of [`CHUNK_ROWS`]. Client commands are kept once each
//! (a write is appended and applied on every node: those rows point at it) and
//! read results once each. The rare rows that do not fit (a partition's groups,
//! a violation's sentence, a setting, an unusual rejection, an id past `u32`)
//! are kept whole on the side, so every row decodes to exactly what was
//! recorded: [`CompactHistory::get`] is the record [`CompactHistory::push`] took.
//!
//! Sentences are never stored: `present::history` makes them for the rows on
//! screen (or for a text filter, a budget of rows at a time).

use crate::event::{Address, DropReason, EventKind, MessageKind};
use crate::kv::{ClientId, Command};
use crate::raft::{
    Entry, EntryData, LogIndex, NodeId, RaftMessageKind, RejectReason, RoleKind, Term, Time,
};
use crate::sim::history::{HistoryRecord, Hop, MessageStep, Recorded};
use std::collections::BTreeMap;

/// Rows per chunk (a chunk is allocated whole, so the store grows without
/// copying what it holds).
pub const CHUNK_ROWS: usize = 4096;

/// What a row is, without decoding it (the filters look at this).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Code {
    /// Kept whole on the side.
    Spilled = 0,
    Send,
    Deliver,
    Drop,
    Duplicate,
    Role,
    HardState,
    LogAppend,
    LogTruncate,
    Commit,
    Apply,
    ClientInvoke,
    ClientOk,
    ClientRetry,
    StaleTerm,
    AlreadyVoted,
    MissingEntry,
    TermMismatch,
    NotLeader,
    StaleRejection,
}

const CODES: [Code; 20] = [
    Code::Spilled,
    Code::Send,
    Code::Deliver,
    Code::Drop,
    Code::Duplicate,
    Code::Role,
    Code::HardState,
    Code::LogAppend,
    Code::LogTruncate,
    Code::Commit,
    Code::Apply,
    Code::ClientInvoke,
    Code::ClientOk,
    Code::ClientRetry,
    Code::StaleTerm,
    Code::AlreadyVoted,
    Code::MissingEntry,
    Code::TermMismatch,
    Code::NotLeader,
    Code::StaleRejection,
];

/// "Nothing" in a `u8` slot and in a `u32` number.
const NONE8: u8 = u8::MAX;
const NONE32: u32 = u32::MAX;
/// A client address in a node slot (message rows only).
const CLIENT_BIT: u8 = 0x80;

/// One row. `node` and `peer` hold exactly the nodes the row concerns (what
/// the node filter tests), as node ids — or, on message rows, addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Row {
    /// Microseconds after the chunk's `time0`.
    dt: u32,
    /// Steps after the chunk's `step0`.
    dstep: u32,
    a: u32,
    b: u32,
    c: u32,
    code: u8,
    node: u8,
    peer: u8,
    x: u8,
}

/// What a filter reads of a row without decoding it.
#[derive(Clone, Copy, Debug)]
pub struct RowMeta {
    pub code: Code,
    node: u8,
    peer: u8,
}

impl RowMeta {
    /// Whether the row concerns `node` (the nodes its sentence names, as
    /// `present::describe` lists them). A spilled row answers `None`: decode it.
    pub fn concerns(&self, node: NodeId) -> Option<bool> {
        if self.code == Code::Spilled {
            return None;
        }
        let is = |slot: u8| slot != NONE8 && slot & CLIENT_BIT == 0 && slot as NodeId == node;
        Some(is(self.node) || is(self.peer))
    }
}

struct Chunk {
    time0: Time,
    step0: u64,
    /// Never more than [`CHUNK_ROWS`] (allocated at that size).
    rows: Vec<Row>,
}

/// The run's history rows, oldest first, each with the timeline step that made it.
#[derive(Default)]
pub struct CompactHistory {
    chunks: Vec<Chunk>,
    /// The index of each chunk's first row (a chunk is cut short only when a
    /// time or step offset would overflow `u32`).
    starts: Vec<usize>,
    len: usize,
    /// Rows that do not fit a fixed record, in row order (`a` is the position).
    spilled: Vec<HistoryRecord>,
    /// Client commands, each once; `command_ids` finds one by `(client, seq)`.
    commands: Vec<Command>,
    command_ids: BTreeMap<(ClientId, u64), u32>,
    /// Read results (`ClientOk` rows with a value).
    results: Vec<String>,
}

impl CompactHistory {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends `record`, made by timeline step `step` (steps never go down).
    pub fn push(&mut self, step: u64, record: &HistoryRecord) {
        let mut row = self
            .encode(&record.recorded)
            .unwrap_or_else(|| self.spill(record));
        let fits = self.chunks.last().is_some_and(|c| {
            c.rows.len() < CHUNK_ROWS
                && record.time >= c.time0
                && record.time - c.time0 <= u32::MAX as u64
                && step >= c.step0
                && step - c.step0 <= u32::MAX as u64
        });
        if !fits {
            self.starts.push(self.len);
            self.chunks.push(Chunk {
                time0: record.time,
                step0: step,
                rows: Vec::with_capacity(CHUNK_ROWS),
            });
        }
        let chunk = self.chunks.last_mut().expect("a chunk");
        row.dt = (record.time - chunk.time0) as u32;
        row.dstep = (step - chunk.step0) as u32;
        chunk.rows.push(row);
        self.len += 1;
    }

    /// Forgets every row made after step `step` (a seek back that forks, a
    /// branch switch). Commands and results stay (ids only grow; a few bytes).
    pub fn cut_after_step(&mut self, step: u64) {
        let keep = self.partition_point(|s| s <= step);
        let first_spilled = (keep..self.len)
            .map(|i| self.row(i))
            .find(|r| r.code == Code::Spilled as u8)
            .map(|r| r.a as usize);
        if let Some(s) = first_spilled {
            self.spilled.truncate(s);
        }
        while self.len > keep {
            let chunk = self.chunks.last_mut().expect("rows left");
            let drop = (self.len - keep).min(chunk.rows.len());
            chunk.rows.truncate(chunk.rows.len() - drop);
            self.len -= drop;
            if chunk.rows.is_empty() {
                self.chunks.pop();
                self.starts.pop();
            }
        }
    }

    /// The first row whose step fails `pred`, given `pred` holds on a prefix.
    pub fn partition_point(&self, pred: impl Fn(u64) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if pred(self.step(mid)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Rows made at or before step `step`.
    pub fn count_through_step(&self, step: u64) -> usize {
        self.partition_point(|s| s <= step)
    }

    pub fn step(&self, i: usize) -> u64 {
        let (chunk, row) = self.locate(i);
        chunk.step0 + row.dstep as u64
    }

    pub fn time(&self, i: usize) -> Time {
        let (chunk, row) = self.locate(i);
        chunk.time0 + row.dt as u64
    }

    /// Row `i`'s code (cheap: no decoding).
    pub fn code(&self, i: usize) -> Code {
        CODES[self.row(i).code as usize]
    }

    /// Whether row `i` concerns `node` (see [`RowMeta::concerns`]).
    pub fn concerns(&self, i: usize, node: NodeId) -> Option<bool> {
        let row = self.row(i);
        RowMeta {
            code: CODES[row.code as usize],
            node: row.node,
            peer: row.peer,
        }
        .concerns(node)
    }

    /// Calls `f(i, meta)` for each row `i` in `from..to`, walking the chunks
    /// (the filters' scan: no lookup per row).
    pub fn scan(&self, from: usize, to: usize, mut f: impl FnMut(usize, RowMeta)) {
        let to = to.min(self.len);
        if from >= to {
            return;
        }
        let mut c = self.starts.partition_point(|&s| s <= from) - 1;
        let mut i = from;
        while i < to {
            let start = self.starts[c];
            let rows = &self.chunks[c].rows;
            let end = (start + rows.len()).min(to);
            for row in &rows[i - start..end - start] {
                f(
                    i,
                    RowMeta {
                        code: CODES[row.code as usize],
                        node: row.node,
                        peer: row.peer,
                    },
                );
                i += 1;
            }
            c += 1;
        }
    }

    /// Row `i` as it was recorded.
    pub fn get(&self, i: usize) -> HistoryRecord {
        let (chunk, row) = self.locate(i);
        let time = chunk.time0 + row.dt as u64;
        HistoryRecord {
            time,
            recorded: self
                .decode(row)
                .unwrap_or_else(|| self.spilled[row.a as usize].recorded.clone()),
        }
    }

    /// The memory held, in bytes: chunks (at their full size), side rows (with
    /// a flat allowance for their strings), commands, results and their index.
    pub fn bytes(&self) -> usize {
        let chunks = self.chunks.len() * (CHUNK_ROWS * size_of::<Row>() + size_of::<Chunk>() + 8);
        let spilled = self.spilled.capacity() * size_of::<HistoryRecord>()
            + self.spilled.len() * (size_of::<EventKind>() + 64);
        let commands = self.commands.capacity() * size_of::<Command>()
            + self
                .commands
                .iter()
                .map(|c| op_text_len(&c.op) + 16)
                .sum::<usize>();
        let ids = self.command_ids.len() * (size_of::<(ClientId, u64)>() + 4 + 16);
        let results = self.results.capacity() * size_of::<String>()
            + self.results.iter().map(String::capacity).sum::<usize>();
        chunks + spilled + commands + ids + results
    }

    /// Rows kept on the side (for measuring).
    pub fn spilled_count(&self) -> usize {
        self.spilled.len()
    }

    // ----- Storage ------------------------------------------------------------

    fn locate(&self, i: usize) -> (&Chunk, Row) {
        assert!(i < self.len, "row {i} of {}", self.len);
        let c = self.starts.partition_point(|&s| s <= i) - 1;
        let chunk = &self.chunks[c];
        (chunk, chunk.rows[i - self.starts[c]])
    }

    fn row(&self, i: usize) -> Row {
        self.locate(i).1
    }

    fn spill(&mut self, record: &HistoryRecord) -> Row {
        let row = Row {
            a: self.spilled.len() as u32,
            ..blank(Code::Spilled)
        };
        self.spilled.push(record.clone());
        row
    }

    fn command_ref(&mut self, command: &Command) -> Option<u32> {
        let key = (command.client, command.seq);
        if let Some(&id) = self.command_ids.get(&key) {
            // The same request always carries the same op; if not, spill.
            return (self.commands[id as usize] == *command).then_some(id);
        }
        let id = u32::try_from(self.commands.len())
            .ok()
            .filter(|&i| i != NONE32)?;
        self.commands.push(command.clone());
        self.command_ids.insert(key, id);
        Some(id)
    }

    fn entry_ref(&mut self, data: &EntryData) -> Option<u32> {
        match data {
            EntryData::Noop => Some(NONE32),
            EntryData::Command(c) => self.command_ref(c),
            // Rare (membership changes): the row is kept whole.
            EntryData::Config { .. } => None,
        }
    }

    // ----- Encoding -----------------------------------------------------------

    /// The fixed row for `recorded`, if it fits one.
    fn encode(&mut self, recorded: &Recorded) -> Option<Row> {
        let kind = match recorded {
            Recorded::Message { id, step, hop } => return encode_message(*id, *step, *hop),
            Recorded::Other(kind) => &**kind,
        };
        let row = match kind {
            EventKind::Role { node, role, term } => Row {
                node: node8(*node)?,
                x: role_code(*role),
                a: n32(*term)?,
                ..blank(Code::Role)
            },
            EventKind::HardState {
                node,
                term,
                voted_for,
            } => Row {
                node: node8(*node)?,
                a: n32(*term)?,
                // The vote is not a node the row "concerns" (describe lists
                // only `node`): it goes in `x`, not `peer`.
                x: opt8(*voted_for)?,
                ..blank(Code::HardState)
            },
            EventKind::LogAppend { node, index, entry } => Row {
                node: node8(*node)?,
                a: n32(*index)?,
                b: n32(entry.term)?,
                c: self.entry_ref(&entry.data)?,
                ..blank(Code::LogAppend)
            },
            EventKind::LogTruncate { node, from } => Row {
                node: node8(*node)?,
                a: n32(*from)?,
                ..blank(Code::LogTruncate)
            },
            EventKind::Commit { node, index } => Row {
                node: node8(*node)?,
                a: n32(*index)?,
                ..blank(Code::Commit)
            },
            EventKind::Apply { node, index, data } => Row {
                node: node8(*node)?,
                a: n32(*index)?,
                c: self.entry_ref(data)?,
                ..blank(Code::Apply)
            },
            EventKind::ClientInvoke {
                client,
                seq,
                op,
                to,
            } => Row {
                node: node8(*to)?,
                c: self.command_ref(&Command {
                    client: *client,
                    seq: *seq,
                    op: op.clone(),
                })?,
                ..blank(Code::ClientInvoke)
            },
            EventKind::ClientOk {
                client,
                seq,
                index,
                result,
            } => {
                let c = match result {
                    None => NONE32,
                    Some(r) => {
                        let id = u32::try_from(self.results.len())
                            .ok()
                            .filter(|&i| i != NONE32)?;
                        self.results.push(r.clone());
                        id
                    }
                };
                Row {
                    x: node8(*client)?,
                    a: n32(*seq)?,
                    b: n32(*index)?,
                    c,
                    ..blank(Code::ClientOk)
                }
            }
            EventKind::ClientRetry { client, seq, to } => Row {
                node: node8(*to)?,
                x: node8(*client)?,
                a: n32(*seq)?,
                ..blank(Code::ClientRetry)
            },
            EventKind::Rejected { node, from, reason } => {
                let mut row = encode_reason(reason)?;
                row.node = node8(*node)?;
                row.peer = opt8(*from)?;
                row
            }
            _ => return None,
        };
        Some(row)
    }

    /// What `row` stands for; `None` for a spilled row.
    fn decode(&self, row: Row) -> Option<Recorded> {
        let code = CODES[row.code as usize];
        let other = |kind: EventKind| Some(Recorded::Other(Box::new(kind)));
        let node = row.node as NodeId;
        let command = |c: u32| self.commands[c as usize].clone();
        let entry_data = |c: u32| {
            if c == NONE32 {
                EntryData::Noop
            } else {
                EntryData::Command(command(c))
            }
        };
        match code {
            Code::Spilled => None,
            Code::Send | Code::Deliver | Code::Drop | Code::Duplicate => {
                Some(decode_message(code, row))
            }
            Code::Role => other(EventKind::Role {
                node,
                role: role_of(row.x),
                term: row.a as Term,
            }),
            Code::HardState => other(EventKind::HardState {
                node,
                term: row.a as Term,
                voted_for: unopt8(row.x),
            }),
            Code::LogAppend => other(EventKind::LogAppend {
                node,
                index: row.a as LogIndex,
                entry: Entry {
                    term: row.b as Term,
                    data: entry_data(row.c),
                },
            }),
            Code::LogTruncate => other(EventKind::LogTruncate {
                node,
                from: row.a as LogIndex,
            }),
            Code::Commit => other(EventKind::Commit {
                node,
                index: row.a as LogIndex,
            }),
            Code::Apply => other(EventKind::Apply {
                node,
                index: row.a as LogIndex,
                data: entry_data(row.c),
            }),
            Code::ClientInvoke => {
                let c = command(row.c);
                other(EventKind::ClientInvoke {
                    client: c.client,
                    seq: c.seq,
                    op: c.op,
                    to: node,
                })
            }
            Code::ClientOk => other(EventKind::ClientOk {
                client: row.x as ClientId,
                seq: row.a as u64,
                index: row.b as LogIndex,
                result: (row.c != NONE32).then(|| self.results[row.c as usize].clone()),
            }),
            Code::ClientRetry => other(EventKind::ClientRetry {
                client: row.x as ClientId,
                seq: row.a as u64,
                to: node,
            }),
            _ => other(EventKind::Rejected {
                node,
                from: unopt8(row.peer),
                reason: decode_reason(code, row),
            }),
        }
    }
}

fn blank(code: Code) -> Row {
    Row {
        dt: 0,
        dstep: 0,
        a: 0,
        b: 0,
        c: 0,
        code: code as u8,
        node: NONE8,
        peer: NONE8,
        x: NONE8,
    }
}

/// A number that fits a row's `u32` (`u32::MAX` is "nothing").
fn n32(n: u64) -> Option<u32> {
    u32::try_from(n).ok().filter(|&v| v != NONE32)
}

/// A node or client id that fits a slot (below the client bit).
fn node8(n: u64) -> Option<u8> {
    u8::try_from(n).ok().filter(|&v| v < CLIENT_BIT)
}

fn opt8(n: Option<u64>) -> Option<u8> {
    match n {
        None => Some(NONE8),
        Some(n) => node8(n),
    }
}

fn unopt8(slot: u8) -> Option<u64> {
    (slot != NONE8).then_some(slot as u64)
}

fn address8(a: Address) -> Option<u8> {
    match a {
        Address::Node(n) => node8(n),
        Address::Client(c) => node8(c).map(|c| c | CLIENT_BIT),
    }
}

fn address_of(slot: u8) -> Address {
    if slot & CLIENT_BIT != 0 {
        Address::Client((slot & !CLIENT_BIT) as u64)
    } else {
        Address::Node(slot as u64)
    }
}

fn encode_message(id: u64, step: MessageStep, hop: Option<Hop>) -> Option<Row> {
    let (code, b) = match step {
        MessageStep::Send => (Code::Send, 0),
        MessageStep::Deliver => (Code::Deliver, 0),
        MessageStep::Drop(reason) => (Code::Drop, drop_code(reason)),
        MessageStep::Duplicate { copy } => (Code::Duplicate, n32(copy)?),
    };
    let mut row = Row {
        a: n32(id)?,
        b,
        ..blank(code)
    };
    if let Some(h) = hop {
        row.node = address8(h.from)?;
        row.peer = address8(h.to)?;
        row.x = h.kind.code();
    } else if code == Code::Send {
        return None;
    }
    Some(row)
}

fn decode_message(code: Code, row: Row) -> Recorded {
    let id = row.a as u64;
    let step = match code {
        Code::Send => MessageStep::Send,
        Code::Deliver => MessageStep::Deliver,
        Code::Drop => MessageStep::Drop(drop_of(row.b)),
        _ => MessageStep::Duplicate { copy: row.b as u64 },
    };
    let hop = (row.x != NONE8).then(|| Hop {
        from: address_of(row.node),
        to: address_of(row.peer),
        kind: MessageKind::ALL[row.x as usize],
    });
    Recorded::Message { id, step, hop }
}

const DROP_REASONS: [DropReason; 4] = [
    DropReason::Loss,
    DropReason::Partitioned,
    DropReason::Crashed,
    DropReason::Manual,
];

fn drop_code(reason: DropReason) -> u32 {
    DROP_REASONS
        .iter()
        .position(|r| *r == reason)
        .expect("listed") as u32
}

fn drop_of(code: u32) -> DropReason {
    DROP_REASONS[code as usize]
}

const ROLES: [RoleKind; 4] = [
    RoleKind::Follower,
    RoleKind::Candidate,
    RoleKind::Leader,
    RoleKind::Precandidate,
];

fn role_code(role: RoleKind) -> u8 {
    ROLES.iter().position(|r| *r == role).expect("listed") as u8
}

fn role_of(code: u8) -> RoleKind {
    ROLES[code as usize]
}

const RAFT_KINDS: [RaftMessageKind; 7] = [
    RaftMessageKind::RequestVote,
    RaftMessageKind::RequestVoteReply,
    RaftMessageKind::AppendEntries,
    RaftMessageKind::AppendEntriesReply,
    RaftMessageKind::PreVote,
    RaftMessageKind::PreVoteReply,
    RaftMessageKind::TimeoutNow,
];

/// The common rejections as a row (node slots filled by the caller).
fn encode_reason(reason: &RejectReason) -> Option<Row> {
    let row = match reason {
        RejectReason::StaleTerm {
            message,
            term,
            current_term,
        } => Row {
            x: RAFT_KINDS.iter().position(|k| k == message)? as u8,
            a: n32(*term)?,
            b: n32(*current_term)?,
            ..blank(Code::StaleTerm)
        },
        RejectReason::AlreadyVoted { voted_for, term } => Row {
            a: n32(*voted_for)?,
            b: n32(*term)?,
            ..blank(Code::AlreadyVoted)
        },
        RejectReason::MissingEntry {
            prev_log_index,
            last_index,
        } => Row {
            a: n32(*prev_log_index)?,
            b: n32(*last_index)?,
            ..blank(Code::MissingEntry)
        },
        RejectReason::TermMismatch {
            prev_log_index,
            prev_log_term,
            our_term,
        } => Row {
            a: n32(*prev_log_index)?,
            b: n32(*prev_log_term)?,
            c: n32(*our_term)?,
            ..blank(Code::TermMismatch)
        },
        RejectReason::NotLeader {
            client,
            seq,
            leader_hint,
        } => Row {
            x: node8(*client)?,
            a: n32(*seq)?,
            c: leader_hint.map_or(Some(NONE32), n32)?,
            ..blank(Code::NotLeader)
        },
        RejectReason::StaleRejection {
            rejected_index,
            next_index,
        } => Row {
            a: n32(*rejected_index)?,
            b: n32(*next_index)?,
            ..blank(Code::StaleRejection)
        },
        _ => return None,
    };
    Some(row)
}

fn decode_reason(code: Code, row: Row) -> RejectReason {
    let (a, b, c) = (row.a as u64, row.b as u64, row.c as u64);
    match code {
        Code::StaleTerm => RejectReason::StaleTerm {
            message: RAFT_KINDS[row.x as usize],
            term: a,
            current_term: b,
        },
        Code::AlreadyVoted => RejectReason::AlreadyVoted {
            voted_for: a,
            term: b,
        },
        Code::MissingEntry => RejectReason::MissingEntry {
            prev_log_index: a,
            last_index: b,
        },
        Code::TermMismatch => RejectReason::TermMismatch {
            prev_log_index: a,
            prev_log_term: b,
            our_term: c,
        },
        Code::NotLeader => RejectReason::NotLeader {
            client: row.x as u64,
            seq: a,
            leader_hint: (row.c != NONE32).then_some(c),
        },
        _ => RejectReason::StaleRejection {
            rejected_index: a,
            next_index: b,
        },
    }
}

fn op_text_len(op: &crate::kv::Op) -> usize {
    use crate::kv::Op;
    match op {
        Op::Put { key, value } => key.capacity() + value.capacity(),
        Op::Delete { key } | Op::Get { key } => key.capacity(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_24_bytes() {
        assert_eq!(size_of::<Row>(), 24);
    }
}

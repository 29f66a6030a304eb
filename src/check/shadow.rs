//! The checker's compact picture of logs: shadow entries with rolling prefix
//! hashes, so two logs are compared in O(log n) without keeping entry data.
//! `h[i] = chain(h[i-1], term_i, hash(data_i))`: two logs hold the same prefix up
//! to `i` iff their `h[i]` are equal (up to 64-bit collisions, which can only hide
//! a violation, never invent one).

use crate::chunked::{CHUNK, Chunked};
use crate::kv::ClientId;
use crate::raft::{EntryData, LogIndex, NodeId, Term};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

/// A fact per log index, shared between clones of the checker: a dense
/// [`Chunked`] table for the indexes a run reaches one after another, and a map
/// for an index far past them (a garbage stream's `u64::MAX`), so that one odd
/// index costs no huge table. Invariant: every `sparse` key is `>= dense.len()`.
#[derive(Clone, Debug, Default)]
pub(super) struct PerIndex<T> {
    dense: Chunked<T>,
    sparse: BTreeMap<usize, T>,
}

impl<T: Clone + Default> PerIndex<T> {
    /// The fact at `index`, inserted as the default first if absent.
    pub(super) fn at(&mut self, index: LogIndex) -> &mut T {
        let i = to_usize(index);
        if i >= self.dense.len() && i > self.dense.len().saturating_add(CHUNK) {
            return self.sparse.entry(i).or_default();
        }
        while self.dense.len() <= i {
            let next = self.dense.len();
            self.dense
                .push(self.sparse.remove(&next).unwrap_or_default());
        }
        self.dense.get_mut(i).expect("grown to hold it")
    }

    /// The facts at `first..=last` with their indexes, in index order.
    pub(super) fn between(
        &self,
        first: LogIndex,
        last: LogIndex,
    ) -> impl Iterator<Item = (LogIndex, &T)> {
        let (first, last) = (to_usize(first), to_usize(last));
        let dense = self.dense.range(first, last.saturating_add(1));
        let dense = (first..).zip(dense);
        let sparse = self
            .sparse
            .range(first..=last.max(first))
            .filter(move |_| first <= last);
        dense
            .chain(sparse.map(|(&i, t)| (i, t)))
            .map(|(i, t)| (i as LogIndex, t))
    }
}

/// One entry of a shadow log: everything the checks need, without the data itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Slot {
    pub(super) term: Term,
    /// Hash of the entry's data.
    pub(super) data: u64,
    /// Rolling hash of the log up to and including this entry.
    pub(super) prefix: u64,
    /// The client command the entry carries (`None` for a no-op).
    pub(super) cmd: Option<(ClientId, u64)>,
}

/// Who committed an index of the cluster's committed prefix first, and when.
#[derive(Clone, Copy, Debug)]
pub(super) struct Committer {
    /// The first node seen committing this index.
    pub(super) node: NodeId,
    /// The term the first committing node was in: the term it was committed in.
    pub(super) commit_term: Term,
}

/// One index of the cluster's committed prefix, as read: the entry and its
/// [`Committer`] (kept apart, so that node shadows can share the entries).
#[derive(Clone, Copy, Debug)]
pub(super) struct Committed {
    /// The entry; `slot.prefix` is along the committed chain itself.
    pub(super) slot: Slot,
    /// The first node seen committing this index.
    pub(super) node: NodeId,
    /// The term the first committing node was in: the term it was committed in.
    pub(super) commit_term: Term,
}

/// `items[index - 1]`, checked.
pub(super) fn get<T>(items: &Chunked<T>, index: LogIndex) -> Option<&T> {
    let i = usize::try_from(index).ok()?.checked_sub(1)?;
    items.get(i)
}

pub(super) fn to_usize(x: u64) -> usize {
    usize::try_from(x).unwrap_or(usize::MAX)
}

/// Something with a prefix hash per index (a shadow log or the committed prefix).
pub(super) trait Prefixed {
    fn prefix(&self) -> u64;
}

impl Prefixed for Slot {
    fn prefix(&self) -> u64 {
        self.prefix
    }
}

/// The first index in `1..=hi` where the two chains differ, given that they differ
/// at `hi`. Prefix hashes that agree at `i` agree below `i`, so the predicate is
/// monotone and a binary search finds it in O(log n).
pub(super) fn first_mismatch<A: Prefixed, B: Prefixed>(
    a: &Chunked<A>,
    b: &Chunked<B>,
    hi: LogIndex,
) -> LogIndex {
    let differs = |i: LogIndex| get(a, i).map(Prefixed::prefix) != get(b, i).map(Prefixed::prefix);
    let (mut lo, mut hi) = (1, hi.max(1));
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if differs(mid) { hi = mid } else { lo = mid + 1 }
    }
    lo
}

// ----- hashing -----------------------------------------------------------------------------

/// FNV-1a, finished with a SplitMix64 mix: deterministic, no per-process keys.
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        mix(self.0)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01B3);
        }
    }
}

pub(super) fn hash_of(data: &EntryData) -> u64 {
    let mut h = Fnv(0xCBF2_9CE4_8422_2325);
    data.hash(&mut h);
    h.finish()
}

/// The rolling prefix hash: `h[i] = chain(h[i-1], term_i, hash(data_i))`.
pub(super) fn chain(prev: u64, term: Term, data: u64) -> u64 {
    mix(mix(prev ^ term.wrapping_mul(0x9E37_79B9_7F4A_7C15)) ^ data)
}

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

// ----- explanations ------------------------------------------------------------------------

pub(super) fn command_of(data: &EntryData) -> Option<(ClientId, u64)> {
    match data {
        EntryData::Noop | EntryData::Config { .. } => None,
        EntryData::Command(c) => Some((c.client, c.seq)),
    }
}

pub(super) fn describe_slot(slot: &Slot) -> String {
    match slot.cmd {
        None => format!("a term-{} no-op", slot.term),
        Some((client, seq)) => format!(
            "a term-{} entry with client {client}'s command (seq {seq})",
            slot.term
        ),
    }
}

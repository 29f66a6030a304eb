//! A vector whose bulk is shared between clones: the items sit in fixed-size
//! chunks behind reference counts, so cloning costs one count per chunk
//! (O(len / CHUNK)), not a copy of every item. A chunk is copied only when a
//! clone writes to it while another still holds it (copy-on-write), which for
//! the append-mostly logs of a run means the tail chunk, once per clone.
//!
//! This is what makes a `World` cheap to checkpoint for time travel: the node
//! logs, the checker's shadows and its client history grow with the run, and
//! most of them never change once written.
//!
//! Order, equality and iteration are those of the plain vector it stands for.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

/// Items per chunk: a power of two, so an index splits with a shift and a mask.
pub const CHUNK: usize = 32;

#[derive(Clone)]
pub struct Chunked<T> {
    /// Every chunk but the last holds exactly [`CHUNK`] items; the last holds
    /// `1..=CHUNK`. There is never an empty chunk.
    chunks: Vec<Arc<Vec<T>>>,
    /// Items at the front of the first chunk that were dropped
    /// ([`Chunked::drop_front`]): item `i` sits at position `head + i`.
    /// Invariant: `head < CHUNK`, and 0 when there are no chunks.
    head: usize,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            head: 0,
            len: 0,
        }
    }
}

impl<T> Chunked<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The item at 0-based `i`, if any.
    pub fn get(&self, i: usize) -> Option<&T> {
        if i >= self.len {
            return None;
        }
        let at = self.head + i;
        Some(&self.chunks[at / CHUNK][at % CHUNK])
    }

    pub fn last(&self) -> Option<&T> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    /// The items in order (exact-size and double-ended, like a slice's).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator + Clone {
        self.range(0, self.len)
    }

    /// The items at 0-based `start..end` (clamped to what exists), in order.
    pub fn range(
        &self,
        start: usize,
        end: usize,
    ) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator + Clone {
        let end = end.min(self.len);
        let head = self.head;
        (start.min(end)..end).map(move |i| &self.chunks[(head + i) / CHUNK][(head + i) % CHUNK])
    }

    /// The first index whose item fails `pred`, given that `pred` holds on a
    /// prefix and fails after it (as `slice::partition_point`).
    pub fn partition_point(&self, mut pred: impl FnMut(&T) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(&self[mid]) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
}

impl<T: Clone> Chunked<T> {
    pub fn push(&mut self, item: T) {
        if (self.head + self.len).is_multiple_of(CHUNK) {
            let mut chunk = Vec::with_capacity(CHUNK);
            chunk.push(item);
            self.chunks.push(Arc::new(chunk));
        } else {
            let tail = self.chunks.last_mut().expect("a partial chunk exists");
            own(tail).push(item);
        }
        self.len += 1;
    }

    /// The item at `i` to change in place (its chunk copied first if shared).
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        if i >= self.len {
            return None;
        }
        let at = self.head + i;
        Some(&mut own(&mut self.chunks[at / CHUNK])[at % CHUNK])
    }

    /// Keeps the first `len` items.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        if len == 0 {
            *self = Chunked::new();
            return;
        }
        let physical = self.head + len;
        let chunks = physical.div_ceil(CHUNK);
        self.chunks.truncate(chunks);
        if let Some(tail) = self.chunks.last_mut() {
            let keep = physical - (chunks - 1) * CHUNK;
            if tail.len() > keep {
                own(tail).truncate(keep);
            }
        }
        self.len = len;
    }

    /// Removes the first `n` items (all of them if fewer). Whole chunks are
    /// released; a partly dropped first chunk stays shared and only its
    /// dropped items are skipped, so this costs O(len / CHUNK) at most and
    /// copies no item (log compaction).
    pub fn drop_front(&mut self, n: usize) {
        if n >= self.len {
            *self = Chunked::new();
            return;
        }
        let at = self.head + n;
        self.chunks.drain(..at / CHUNK);
        self.head = at % CHUNK;
        self.len -= n;
    }

    /// Memory only: this vector holds `other`'s own chunks instead of its
    /// own, from chunk `from` on, wherever a chunk lies whole below item
    /// `upto` in both (neither dropped from the front). The caller knows the
    /// two agree on those items (checked in debug builds). Returns where to
    /// start next time, so that offering a growing prefix costs O(new chunks).
    pub fn share_chunks_from(&mut self, other: &Chunked<T>, from: usize, upto: usize) -> usize
    where
        T: PartialEq,
    {
        if self.head != 0 || other.head != 0 {
            return from;
        }
        let whole = upto.min(self.len).min(other.len) / CHUNK;
        for c in from..whole {
            if !Arc::ptr_eq(&self.chunks[c], &other.chunks[c]) {
                debug_assert!(self.chunks[c] == other.chunks[c], "chunk {c} differs");
                self.chunks[c] = Arc::clone(&other.chunks[c]);
            }
        }
        whole.max(from)
    }

    pub fn to_vec(&self) -> Vec<T> {
        self.iter().cloned().collect()
    }
}

/// The chunk to write to, copied first if a clone still holds it (as
/// `Arc::make_mut`, but the copy has room for a whole chunk: a clone of a
/// partial chunk would hold only its items, and growing it to [`CHUNK`] would
/// then reserve up to twice that).
fn own<T: Clone>(chunk: &mut Arc<Vec<T>>) -> &mut Vec<T> {
    if Arc::get_mut(chunk).is_none() {
        let mut copy = Vec::with_capacity(CHUNK);
        copy.extend_from_slice(chunk);
        *chunk = Arc::new(copy);
    }
    Arc::get_mut(chunk).expect("held here alone")
}

impl<T: Clone> From<Vec<T>> for Chunked<T> {
    fn from(items: Vec<T>) -> Self {
        items.into_iter().collect()
    }
}

impl<T: Clone> FromIterator<T> for Chunked<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut out = Chunked::new();
        for item in items {
            out.push(item);
        }
        out
    }
}

impl<T> std::ops::Index<usize> for Chunked<T> {
    type Output = T;

    /// The item at 0-based `i`; panics past the end, as a slice does.
    fn index(&self, i: usize) -> &T {
        assert!(i < self.len, "index {i} past the end ({})", self.len);
        let at = self.head + i;
        &self.chunks[at / CHUNK][at % CHUNK]
    }
}

impl<T: PartialEq> PartialEq for Chunked<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: Eq> Eq for Chunked<T> {}

impl<T: fmt::Debug> fmt::Debug for Chunked<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Serialised as the plain sequence it stands for.
impl<T: Serialize> Serialize for Chunked<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de, T: Deserialize<'de> + Clone> Deserialize<'de> for Chunked<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(deserializer).map(Chunked::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_as_a_vector_across_chunk_edges() {
        let mut c = Chunked::new();
        let mut v = Vec::new();
        for i in 0..(3 * CHUNK + 7) {
            c.push(i);
            v.push(i);
        }
        assert_eq!(c.to_vec(), v);
        for len in [3 * CHUNK + 7, 3 * CHUNK, 2 * CHUNK + 1, CHUNK, 5, 0] {
            c.truncate(len);
            v.truncate(len);
            assert_eq!(c.to_vec(), v);
            assert_eq!(c.len(), v.len());
            assert_eq!(c.last(), v.last());
            c.push(99);
            v.push(99);
            assert_eq!(c.to_vec(), v);
        }
        assert_eq!(c.iter().rev().copied().collect::<Vec<_>>(), {
            let mut r = v.clone();
            r.reverse();
            r
        });
    }

    #[test]
    fn a_clone_shares_chunks_and_writes_do_not_leak_between_clones() {
        let mut a: Chunked<u32> = (0..1000).collect();
        let b = a.clone();
        assert!(Arc::ptr_eq(&a.chunks[0], &b.chunks[0]));
        a.push(1000);
        *a.get_mut(3).unwrap() = 7;
        a.truncate(600);
        assert_eq!(b.len(), 1000);
        assert_eq!(b.get(3), Some(&3));
        assert_eq!(b.get(999), Some(&999));
        assert_eq!(a.get(3), Some(&7));
        // Only the written chunk was copied.
        assert!(Arc::ptr_eq(&a.chunks[1], &b.chunks[1]));
    }

    #[test]
    fn drop_front_behaves_as_a_vector_and_shares_the_rest() {
        for drop in [
            0,
            1,
            5,
            CHUNK - 1,
            CHUNK,
            CHUNK + 3,
            3 * CHUNK,
            3 * CHUNK + 7,
            500,
        ] {
            let mut c: Chunked<usize> = (0..3 * CHUNK + 7).collect();
            let mut v: Vec<usize> = (0..3 * CHUNK + 7).collect();
            let before = c.clone();
            c.drop_front(drop);
            v.drain(..drop.min(v.len()));
            assert_eq!(c.to_vec(), v, "after dropping {drop}");
            assert_eq!(before.len(), 3 * CHUNK + 7, "a clone keeps everything");
            for step in 0..(2 * CHUNK + 1) {
                c.push(1000 + step);
                v.push(1000 + step);
            }
            assert_eq!(c.to_vec(), v);
            assert_eq!(c.get(3), v.get(3));
            *c.get_mut(2).unwrap() = 7;
            v[2] = 7;
            for len in [v.len() - 1, CHUNK + 1, 3, 0] {
                c.truncate(len);
                v.truncate(len);
                assert_eq!(c.to_vec(), v);
                c.push(9);
                v.push(9);
                assert_eq!(c.to_vec(), v);
                assert_eq!(c.partition_point(|&x| x < 9), v.partition_point(|&x| x < 9));
            }
        }
    }

    #[test]
    fn sharing_chunks_keeps_the_items_and_holds_the_other_ones() {
        let other: Chunked<usize> = (0..5 * CHUNK).collect();
        let mut mine: Chunked<usize> = (0..3 * CHUNK + 5).collect();
        let next = mine.share_chunks_from(&other, 0, 2 * CHUNK + 3);
        assert_eq!(next, 2);
        assert!(Arc::ptr_eq(&mine.chunks[1], &other.chunks[1]));
        assert!(!Arc::ptr_eq(&mine.chunks[2], &other.chunks[2]));
        assert_eq!(mine.share_chunks_from(&other, next, 10 * CHUNK), 3);
        assert!(Arc::ptr_eq(&mine.chunks[2], &other.chunks[2]));
        // Writing to a shared chunk copies it first: `other` keeps its items.
        *mine.get_mut(CHUNK).unwrap() = 77;
        mine.truncate(CHUNK + 2);
        mine.push(9);
        assert_eq!(other.to_vec(), (0..5 * CHUNK).collect::<Vec<_>>());
        let mut v: Vec<usize> = (0..CHUNK + 2).collect();
        v[CHUNK] = 77;
        v.push(9);
        assert_eq!(mine.to_vec(), v);
    }

    #[test]
    fn partition_point_matches_the_slice_one() {
        let c: Chunked<u32> = (0..700).map(|i| i * 2).collect();
        let v = c.to_vec();
        for x in [0, 1, 2, 511, 512, 1398, 1399, 5000] {
            assert_eq!(c.partition_point(|&y| y < x), v.partition_point(|&y| y < x));
        }
    }
}

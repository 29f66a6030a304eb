//! Broken-rule toggles: deliberate, well-known Raft bugs, off by default.
//!
//! They exist to prove that the safety checker can fail: each one must be caught.
//! Every place in the core that consults one is marked `BROKEN RULE` so that the
//! correct rule and its broken twin can be read side by side.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Serialised by its [`Bug::name`] (`"forget-vote"`), as in links, the page and the CLI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bug {
    /// Figure 8: a leader commits an entry of an older term because it is on a majority.
    CommitOldTerm,
    /// A restarted node has forgotten whom it voted for in its current term.
    ForgetVote,
    /// Grant votes without checking that the candidate's log is at least as up to date.
    VoteWithoutLogCheck,
    /// On AppendEntries, truncate after prevLogIndex even where the entries already match.
    TruncateMatching,
    /// Follower sets commitIndex = leaderCommit, without the min with its last new entry.
    CommitWithoutMin,
    /// Ignore a higher term carried by a reply (a stale leader keeps acting).
    IgnoreHigherTermReply,
}

impl Bug {
    pub const ALL: [Bug; 6] = [
        Bug::CommitOldTerm,
        Bug::ForgetVote,
        Bug::VoteWithoutLogCheck,
        Bug::TruncateMatching,
        Bug::CommitWithoutMin,
        Bug::IgnoreHigherTermReply,
    ];

    /// The name used on the command line, in links and in the page.
    pub fn name(self) -> &'static str {
        match self {
            Bug::CommitOldTerm => "commit-old-term",
            Bug::ForgetVote => "forget-vote",
            Bug::VoteWithoutLogCheck => "vote-without-log-check",
            Bug::TruncateMatching => "truncate-matching",
            Bug::CommitWithoutMin => "commit-without-min",
            Bug::IgnoreHigherTermReply => "ignore-higher-term-reply",
        }
    }

    /// One line on what it breaks.
    pub fn explanation(self) -> &'static str {
        match self {
            Bug::CommitOldTerm => {
                "leader commits an older-term entry by counting replicas (Figure 8): a committed, acknowledged write can be overwritten"
            }
            Bug::ForgetVote => {
                "votedFor is not persisted across a restart: a node can vote twice in one term, electing two leaders"
            }
            Bug::VoteWithoutLogCheck => {
                "votes are granted without the up-to-date log check: a leader can miss committed entries"
            }
            Bug::TruncateMatching => {
                "a stale AppendEntries truncates entries that already match: a follower takes back acknowledged entries"
            }
            Bug::CommitWithoutMin => {
                "follower commitIndex = leaderCommit without min(last new entry): it applies an unverified stale tail"
            }
            Bug::IgnoreHigherTermReply => {
                "a leader ignores a higher term in a reply: a stale leader keeps acting after it was replaced"
            }
        }
    }

    pub fn from_name(name: &str) -> Option<Bug> {
        Bug::ALL.into_iter().find(|b| b.name() == name)
    }

    /// [`Bug::from_name`], or an error that lists the known names.
    pub fn parse(name: &str) -> Result<Bug, String> {
        Bug::from_name(name).ok_or_else(|| {
            let known: Vec<&str> = Bug::ALL.iter().map(|b| b.name()).collect();
            format!("unknown bug '{name}'; known: {}", known.join(", "))
        })
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

impl Serialize for Bug {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Bug {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Bug::parse(&name).map_err(serde::de::Error::custom)
    }
}

/// The set of enabled toggles (empty = a correct Raft).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Bugs(u32);

impl Bugs {
    pub fn none() -> Self {
        Bugs(0)
    }

    pub fn is_on(self, bug: Bug) -> bool {
        self.0 & bug.bit() != 0
    }

    pub fn set(&mut self, bug: Bug, on: bool) {
        if on {
            self.0 |= bug.bit()
        } else {
            self.0 &= !bug.bit()
        }
    }

    pub fn with(mut self, bug: Bug) -> Self {
        self.set(bug, true);
        self
    }

    /// Enabled toggles in a fixed order.
    pub fn enabled(self) -> Vec<Bug> {
        Bug::ALL.into_iter().filter(|b| self.is_on(*b)).collect()
    }
}

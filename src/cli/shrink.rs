//! `raft-playground shrink`: a violating sweep seed (or link) becomes a minimal
//! scenario link that breaks the same property; prints the sizes before and after.

use crate::cli::args::{ShrinkArgs, format_duration};
use crate::cli::{EXIT_OK, EXIT_USAGE, EXIT_VIOLATIONS};
use crate::present::describe;
use crate::raft::Bugs;
use crate::scenario::shrink::{SeedKind, Shrunk, Size, seed_scenario_with, shrink};
use crate::scenario::{Scenario, default_until};
use std::fmt::Write as _;

pub fn cmd_shrink(a: &ShrinkArgs) -> i32 {
    let mut bugs = Bugs::none();
    for &b in &a.bugs {
        bugs.set(b, true);
    }
    let (scenario, until) = match (&a.link, a.seed) {
        (Some(link), _) => match Scenario::decode_link(link) {
            Ok(s) => {
                let until = default_until(&s);
                (s, until)
            }
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        },
        (None, Some(seed)) => {
            let kind = if a.swarm {
                SeedKind::Swarm
            } else {
                SeedKind::Random { nodes: a.nodes }
            };
            match seed_scenario_with(seed, kind, bugs, a.duration, a.production.production()) {
                Ok(s) => (s, a.duration),
                Err(e) => {
                    eprintln!("error: {e}");
                    return EXIT_USAGE;
                }
            }
        }
        (None, None) => {
            eprintln!("error: give a seed (--seed N) or a scenario link to shrink");
            return EXIT_USAGE;
        }
    };
    match shrink(&scenario, until) {
        Ok(shrunk) => {
            print!("{}", report(&shrunk));
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_VIOLATIONS
        }
    }
}

/// What `shrink` prints: the violation, the sizes before and after, the link.
pub fn report(s: &Shrunk) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "shrunk in {} replays", s.runs);
    let _ = writeln!(w, "  violation: {}", describe::violation(&s.violation));
    let row = |w: &mut String, name: &str, f: &dyn Fn(&Size) -> String| {
        let _ = writeln!(w, "  {name:9}  {} -> {}", f(&s.before), f(&s.after));
    };
    row(w, "actions:", &|z| z.actions.to_string());
    row(w, "duration:", &|z| format_duration(z.duration));
    row(w, "nodes:", &|z| z.nodes.to_string());
    row(w, "clients:", &|z| z.clients.to_string());
    row(w, "link:", &|z| {
        z.link_chars
            .map_or("too long for a link".into(), |c| format!("{c} chars"))
    });
    match s.scenario.encode_link() {
        Ok(link) => {
            let _ = writeln!(w, "link: {link}");
            let _ = writeln!(
                w,
                "replay: raft-playground run '{link}' --until {}",
                format_duration(s.violation.time + 1)
            );
        }
        Err(e) => {
            let _ = writeln!(w, "link: none ({e})");
        }
    }
    out
}

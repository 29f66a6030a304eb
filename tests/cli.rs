//! The `raft-playground` binary: summaries, hashes, exit codes, one-line errors,
//! bug listing, sweeps and their reproduce commands.

use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_raft-playground"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8")
}

/// The value of `prefix: value` on the summary's line starting with `prefix`.
fn field(text: &str, prefix: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` line in:\n{text}"))
        .trim()
        .to_string()
}

#[test]
fn run_prints_a_summary_ending_with_hash_and_violations() {
    let o = cli(&[
        "run",
        "--seed",
        "3",
        "--nodes",
        "5",
        "--duration",
        "5s",
        "--loss",
        "0.1",
        "--dup",
        "0.05",
        "--latency",
        "5ms..15ms",
        "--clients",
        "3",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    let n = lines.len();
    assert!(n > 5, "{out}");
    let hash = lines[n - 2]
        .strip_prefix("trace-hash: ")
        .expect("trace-hash line");
    assert_eq!(hash.len(), 64);
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(lines[n - 1], "violations: 0");
    for label in [
        "  nodes:",
        "  seed:",
        "  simulated:",
        "  elections:",
        "  leaders:",
        "  commits:",
        "  clients:",
        "  messages:",
        "  final leader:",
    ] {
        assert!(out.contains(label), "missing {label} in:\n{out}");
    }
    assert_eq!(field(&out, "  nodes:"), "5");
    assert!(field(&out, "  final leader:").starts_with("node "), "{out}");
}

#[test]
fn same_seed_same_hash_and_another_seed_another() {
    let hash = |seed: &str| {
        let o = cli(&[
            "run",
            "--seed",
            seed,
            "--duration",
            "3s",
            "--faults",
            "random",
        ]);
        assert_eq!(o.status.code(), Some(0));
        field(&stdout(&o), "trace-hash:")
    };
    assert_eq!(hash("42"), hash("42"));
    assert_ne!(hash("42"), hash("43"));
}

#[test]
fn trace_file_is_json_lines_whose_sha256_is_the_printed_hash() {
    let dir = std::env::temp_dir().join(format!("raft-playground-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.jsonl");
    let p = path.to_str().unwrap();
    let o = cli(&["run", "--seed", "5", "--duration", "2s", "--trace", p]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let bytes = std::fs::read(&path).unwrap();
    let hex: String = {
        use sha2::{Digest, Sha256};
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    assert_eq!(field(&stdout(&o), "trace-hash:"), hex);
    for line in std::str::from_utf8(&bytes).unwrap().lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
    // `--trace -`: the trace on stdout, the summary on stderr.
    let o = cli(&["run", "--seed", "5", "--duration", "2s", "--trace", "-"]);
    assert_eq!(o.stdout, bytes);
    assert_eq!(field(&stderr(&o), "trace-hash:"), hex);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_arguments_exit_2_with_one_line() {
    for args in [
        &["run", "--nodes", "abc"][..],
        &["run", "--nodes", "0"],
        &["run", "--duration", "30"],
        &["run", "--duration", "3 parsecs"],
        &["run", "--loss", "1.5"],
        &["run", "--latency", "15ms..5ms"],
        &["run", "--bug", "no-such-bug"],
        &["run", "--faults", "sometimes"],
        &["run", "--clients", "1000"],
        &["run", "--frobnicate"],
        &["sweep"],
        &["sweep", "--seeds", "9..1"],
        &["launch"],
        &[],
    ] {
        let o = cli(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn help_exits_0() {
    let o = cli(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("sweep"));
}

#[test]
fn bugs_lists_every_toggle_with_an_explanation() {
    let o = cli(&["bugs"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), raft_playground::raft::Bug::ALL.len());
    for (bug, line) in raft_playground::raft::Bug::ALL.iter().zip(&lines) {
        let (name, explanation) = line.split_once(' ').unwrap();
        assert_eq!(name, bug.name());
        assert_eq!(explanation.trim(), bug.explanation());
    }
}

#[test]
fn a_clean_sweep_exits_0_with_its_summary_line() {
    let o = cli(&["sweep", "--seeds", "1..30", "--nodes", "5"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(
        stdout(&o).lines().last(),
        Some("swept 30 seeds, 0 violations")
    );
    // Not a terminal: no progress bar, one final line.
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
}

#[test]
fn a_caught_bug_exits_1_and_its_reproduce_command_reports_violations() {
    let o = cli(&[
        "sweep",
        "--seeds",
        "1..40",
        "--bug",
        "vote-without-log-check",
        "--duration",
        "10s",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let last = out.lines().last().unwrap();
    assert!(last.starts_with("swept 40 seeds, ") && last.ends_with(" violations"));
    assert_ne!(last, "swept 40 seeds, 0 violations");
    let command = field(&out, "  reproduce:");
    assert_eq!(
        command,
        format!(
            "raft-playground run --seed {} --nodes 5 --duration 10s --faults random --bug vote-without-log-check",
            field(&out, "seed ").split(':').next().unwrap()
        )
    );
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    let run = cli(&args);
    assert_eq!(run.status.code(), Some(0), "a completed run exits 0");
    let violations: u64 = field(&stdout(&run), "violations:").parse().unwrap();
    assert!(violations > 0, "{}", stdout(&run));
    // The run reports the violation the sweep printed first.
    let first_sweep = out
        .lines()
        .find(|l| l.starts_with("  ") && !l.starts_with("  reproduce"))
        .unwrap()
        .trim();
    assert!(
        stdout(&run).contains(first_sweep),
        "{first_sweep}\n---\n{}",
        stdout(&run)
    );
}

#[test]
fn production_faults_join_the_random_sweep_and_its_reproduce_command() {
    let flags = [
        "--pre-vote",
        "--check-quorum",
        "--pauses",
        "--drift",
        "--transfers",
    ];
    let mut args = vec!["sweep", "--seeds", "1..12", "--duration", "8s"];
    args.extend(flags);
    let o = cli(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(
        stdout(&o).lines().last(),
        Some("swept 12 seeds, 0 violations")
    );
    // `run --faults random` takes the same flags and replays one seed of it;
    // without a random schedule they are refused with a reason.
    let mut run = vec![
        "run",
        "--seed",
        "3",
        "--duration",
        "8s",
        "--faults",
        "random",
    ];
    run.extend(flags);
    let o = cli(&run);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let pauses = out
        .lines()
        .find(|l| l.trim_start().starts_with("production:"))
        .unwrap_or_else(|| panic!("no production line in {out}"));
    assert!(!pauses.contains(" 0 pauses"), "{pauses}");
    let o = cli(&["run", "--seed", "3", "--pauses"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("need --faults random or --faults swarm"));
}

/// `run LINK` without `--until` stops where the page opens the link (its view
/// time), so it prints the hash of the page's own path there: the timeline
/// that `Playground` keeps, opened at the view time. `--until` still overrides.
#[test]
fn run_link_stops_at_the_links_view_time_like_the_page() {
    use raft_playground::scenario::presets;
    use raft_playground::scenario::timeline::Timeline;
    use raft_playground::sim::{MS, SECOND, TraceMode};
    let mut s = presets::get(presets::STALE_LEADER).unwrap().scenario;
    s.view.time = 2100 * MS; // mid-story: S1 has just stepped down
    let link = s.encode_link().unwrap();
    let page = Timeline::open(s.clone(), TraceMode::Hash, 500).unwrap();
    assert_eq!(page.now(), 2100 * MS);
    let o = cli(&["run", &link]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(
        field(&out, "trace-hash:"),
        page.world().trace_hash(),
        "{out}"
    );
    let o = cli(&["run", &link, "--until", "3s"]);
    let mut later = Timeline::open(s, TraceMode::Hash, 500).unwrap();
    later.seek(3 * SECOND);
    assert_eq!(
        field(&stdout(&o), "trace-hash:"),
        later.world().trace_hash()
    );
}

/// `--membership` draws membership changes into the random schedule (sweep,
/// `run --faults random`, `shrink --seed`); the reproduce command carries it.
#[test]
fn membership_changes_join_the_sweep_run_and_shrink() {
    let o = cli(&[
        "sweep",
        "--seeds",
        "1..12",
        "--duration",
        "8s",
        "--membership",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(
        stdout(&o).lines().last(),
        Some("swept 12 seeds, 0 violations")
    );
    let o = cli(&[
        "run",
        "--seed",
        "3",
        "--duration",
        "8s",
        "--faults",
        "random",
        "--membership",
        "--trace",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--faults random --membership"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("\"step\":\"config_in_force\""),
        "no configuration change in seed 3's run"
    );
    let o = cli(&["run", "--seed", "5", "--membership"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--membership need --faults random or --faults swarm"));
    // A clean seed: shrink takes the flag and says there is nothing to shrink.
    let o = cli(&["shrink", "--seed", "5", "--duration", "8s", "--membership"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

//! The native command line (`raft-playground run | sweep | shrink | bugs`). The logic lives
//! in library functions ([`run::run`], [`sweep::sweep`]) so tests can call it;
//! [`main`] only parses, prints and picks the exit code.
//!
//! Exit codes: 0 = done (a `run` that found violations still completed: 0);
//! 1 = `sweep` found violations, or a run could not be carried out;
//! 2 = bad arguments (one line on stderr: `error: …`).

pub mod args;
pub mod run;
pub mod shrink;
pub mod sweep;

use crate::raft::{Bug, Bugs};
use args::{Cli, Command, RunArgs, SweepArgs, one_line_error};
use clap::Parser;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};

pub const EXIT_OK: i32 = 0;
pub const EXIT_VIOLATIONS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

/// Parses `args` (program name first), runs the command, returns the exit code.
pub fn main_with<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            return match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion if !e.use_stderr() => {
                    let _ = e.print();
                    EXIT_OK
                }
                _ => {
                    eprintln!("{}", one_line_error(&e));
                    EXIT_USAGE
                }
            };
        }
    };
    match cli.command {
        Command::Run(a) => cmd_run(&a),
        Command::Sweep(a) => cmd_sweep(&a),
        Command::Shrink(a) => shrink::cmd_shrink(&a),
        Command::Bugs => {
            print!("{}", bugs_text());
            EXIT_OK
        }
        Command::Presets => {
            print!("{}", presets_text());
            EXIT_OK
        }
    }
}

/// Every preset: `id  title`, then its link fragment on the next line.
pub fn presets_text() -> String {
    let mut out = String::new();
    for p in crate::scenario::presets::all() {
        let link = p
            .scenario
            .encode_link()
            .unwrap_or_else(|e| format!("(no link: {e})"));
        out.push_str(&format!("{}  {}\n  {link}\n", p.id, p.title));
    }
    out
}

/// The process entry point.
pub fn main() -> i32 {
    main_with(std::env::args_os())
}

/// One toggle per line: `name  explanation`.
pub fn bugs_text() -> String {
    let width = Bug::ALL.iter().map(|b| b.name().len()).max().unwrap_or(0);
    Bug::ALL
        .iter()
        .map(|b| format!("{:width$}  {}\n", b.name(), b.explanation()))
        .collect()
}

fn cmd_run(a: &RunArgs) -> i32 {
    let mut options = run::RunOptions::from_args(a);
    if let Err(e) = options.load_scenario(a) {
        eprintln!("error: {e}");
        return EXIT_USAGE;
    }
    if let Err(e) = options.check_production() {
        eprintln!("error: {e}");
        return EXIT_USAGE;
    }
    if let Err(e) = options.sim_config().validate() {
        eprintln!("error: {e}");
        return EXIT_USAGE;
    }
    let report = match run::run(&options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_VIOLATIONS;
        }
    };
    let to_stdout = a.trace.as_deref() == Some("-");
    if let (Some(path), Some(text)) = (a.trace.as_deref(), report.trace.as_deref()) {
        let written = if to_stdout {
            std::io::stdout().lock().write_all(text)
        } else {
            std::fs::write(path, text)
        };
        if let Err(e) = written {
            eprintln!("error: cannot write the trace to {path}: {e}");
            return EXIT_VIOLATIONS;
        }
    }
    let summary = report.summary();
    if to_stdout {
        eprint!("{summary}");
    } else {
        print!("{summary}");
    }
    EXIT_OK
}

fn cmd_sweep(a: &SweepArgs) -> i32 {
    let mut bugs = Bugs::none();
    for &b in &a.bugs {
        bugs.set(b, true);
    }
    let mut options = sweep::SweepOptions::new(a.seeds.clone(), a.nodes, bugs, a.duration);
    if let Some(j) = a.jobs {
        options.jobs = j as usize;
    }
    options.swarm = a.swarm;
    options.shard = a.shard;
    options.stop_at_first = a.stop_at_first;
    options.production = a.production.production();
    if let Err(e) = options.sweep_config().sim_config(0).validate() {
        eprintln!("error: {e}");
        return EXIT_USAGE;
    }
    let tty = std::io::stderr().is_terminal();
    let began = std::time::Instant::now();
    // Whether the progress bar is on screen (it is erased before any stdout line).
    let bar_shown = std::cell::Cell::new(false);
    let clear_bar = || {
        if bar_shown.replace(false) {
            eprint!("\r{:79}\r", "");
        }
    };
    let result = sweep::sweep(
        &options,
        |p| {
            if tty {
                eprint!("\r{}", sweep::progress_bar(p, began.elapsed()));
                let _ = std::io::stderr().flush();
                bar_shown.set(true);
            }
        },
        |o| {
            if a.json {
                return;
            }
            clear_bar();
            print!("{}", sweep::describe_seed(&options, o));
            let _ = std::io::stdout().flush();
        },
    );
    clear_bar();
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let secs = summary.elapsed.as_secs_f64();
    eprintln!(
        "sweep: {} seeds in {:.1} s ({:.0} seeds/s on {} threads)",
        summary.swept,
        secs,
        summary.swept as f64 / secs.max(1e-9),
        options.jobs
    );
    let v = summary.violations();
    if a.json {
        println!("{}", sweep::json_summary(&options, &summary));
        return if v > 0 { EXIT_VIOLATIONS } else { EXIT_OK };
    }
    if !summary.violating.is_empty() {
        println!("violating seeds: {}", summary.violating.len());
    }
    println!("swept {} seeds, {} violations", summary.swept, v);
    if v > 0 { EXIT_VIOLATIONS } else { EXIT_OK }
}

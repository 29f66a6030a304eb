//! The crate's floors (README, "Layout"): every top-level module of `src/` stands
//! on a floor, and a module imports only from floors below its own, never from
//! its own floor's other modules nor from above. That rules out import cycles
//! between modules. This test reads the sources and fails on any `crate::X` path
//! (in code, not in comments or strings) that breaks the rule.

use std::fs;
use std::path::{Path, PathBuf};

/// Lowest first (floor 1 is the first line). A new top-level module must be
/// placed here, and in README's Layout.
const FLOORS: &[&[&str]] = &[
    &["kv", "rng", "chunked"],
    &["raft"],
    &["event"],
    &["check"],
    &["sim"],
    &["scenario"],
    &["present"],
    &["wasm", "cli"],
];

/// The crate root files, which declare the modules, and the programs that use
/// the library by name (`main.rs`, `bin/`: the page's scenario module): above
/// every floor.
const ROOTS: &[&str] = &["lib.rs", "main.rs", "bin"];

fn floor_of(module: &str) -> Option<usize> {
    FLOORS.iter().position(|f| f.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The source with comments, string and char literals blanked out (newlines
/// kept, so line numbers still hold): doc links and messages are not imports.
fn code_only(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = b.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to.min(b.len())] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with(b"//") {
            let end = rest
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |n| i + n);
            blank(&mut out, i, end);
            i = end;
        } else if rest.starts_with(b"/*") {
            let end = src[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
            blank(&mut out, i, end);
            i = end;
        } else if b[i] == b'r' && (i == 0 || !ident(b[i - 1])) && {
            let hashes = rest[1..].iter().take_while(|&&c| c == b'#').count();
            rest.get(1 + hashes) == Some(&b'"')
        } {
            // A raw string: r"…" or r#"…"#.
            let hashes = rest[1..].iter().take_while(|&&c| c == b'#').count();
            let close = format!("\"{}", "#".repeat(hashes));
            let body = i + 2 + hashes;
            let end = src[body..]
                .find(&close)
                .map_or(b.len(), |n| body + n + close.len());
            blank(&mut out, i, end);
            i = end;
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            blank(&mut out, i, j + 1);
            i = j + 1;
        } else if b[i] == b'\'' {
            // A char literal ('x', '\n', '"'); a lifetime ('a) is left alone.
            if rest.get(1) == Some(&b'\\') {
                let end = rest[2..]
                    .iter()
                    .position(|&c| c == b'\'')
                    .map_or(b.len(), |n| i + 2 + n + 1);
                blank(&mut out, i, end);
                i = end;
            } else if rest.len() >= 3 && rest[2] == b'\'' {
                blank(&mut out, i, i + 3);
                i += 3;
            } else {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    String::from_utf8(out).expect("blanking keeps UTF-8 (only ASCII bytes are replaced)")
}

/// Every top-level module a source names through `crate::`, with the line:
/// `crate::sim::World` gives `sim`, `crate::{event::Event, kv}` gives `event`
/// and `kv`.
fn crate_refs(src: &str) -> Vec<(usize, String)> {
    let code = code_only(src);
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    let ident_at = |at: usize| -> String {
        code[at..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut refs = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let after = at + "crate::".len();
        let rest = code[after..].trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            // The first name of each item at the group's top level.
            let group_at = code.len() - group.len();
            let mut depth = 0;
            let mut item_start = true;
            for (k, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        item_start = false;
                        let name = ident_at(group_at + k);
                        if name != "self" {
                            refs.push((line_of(group_at + k), name));
                        }
                    }
                    c if c.is_whitespace() => {}
                    _ => item_start = false,
                }
            }
        } else {
            let name = ident_at(code.len() - rest.len());
            if !name.is_empty() {
                refs.push((line_of(at), name));
            }
        }
    }
    refs
}

#[test]
fn no_module_imports_from_its_own_floor_or_above() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(
        files.len() > 20,
        "found only {} files under src/",
        files.len()
    );
    let mut broken = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).expect("under src/");
        let top = rel.components().next().expect("a path").as_os_str();
        let top = top.to_str().expect("a UTF-8 name");
        if ROOTS.contains(&top) {
            continue;
        }
        let module = top.strip_suffix(".rs").unwrap_or(top);
        let Some(floor) = floor_of(module) else {
            broken.push(format!(
                "src/{module}: a top-level module on no floor; place it in FLOORS (tests/layers.rs) and README's Layout"
            ));
            continue;
        };
        let text = fs::read_to_string(file).expect("readable source");
        for (line, target) in crate_refs(&text) {
            if target == module {
                continue;
            }
            let ok = floor_of(&target).is_some_and(|f| f < floor);
            if !ok {
                let there =
                    floor_of(&target).map_or("no floor".to_string(), |f| format!("floor {f}"));
                broken.push(format!(
                    "src/{}:{line}: `{module}` (floor {}) uses `crate::{target}` ({there})",
                    rel.display(),
                    floor + 1
                ));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "a module may import only from floors below its own:\n{}",
        broken.join("\n")
    );
}

#[test]
fn every_module_of_the_crate_root_is_on_a_floor() {
    let lib = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("src/lib.rs");
    let modules: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';'))
        .collect();
    assert!(modules.len() >= 10, "{modules:?}");
    for m in modules {
        assert!(
            floor_of(m).is_some(),
            "`{m}` is on no floor: place it in FLOORS"
        );
    }
}

#[test]
fn references_are_read_from_code_only() {
    let src = "use crate::event::Event;\n\
               use crate::{\n    kv::Op,\n    raft::{Entry, Term},\n};\n\
               // crate::cli in a comment\n\
               /// [`crate::wasm`] in a doc link\n\
               let s = \"crate::present in a string\"; let c = '\"'; let t = crate::sim::MS;\n\
               /* crate::scenario */ fn f<'a>(x: &'a str) -> &'a str { x } // done\n\
               let r = r#\"crate::check \"quoted\"\"#;\n";
    assert_eq!(
        crate_refs(src),
        vec![
            (1, "event".to_string()),
            (3, "kv".to_string()),
            (4, "raft".to_string()),
            (8, "sim".to_string()),
        ]
    );
}

//! `raft-playground`: the native command line (see `raft_playground::cli`).

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(raft_playground::cli::main());
}

#[cfg(target_arch = "wasm32")]
fn main() {}

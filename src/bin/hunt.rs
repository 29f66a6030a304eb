//! The page's bug-hunt module, run in a Web Worker (web/hunt-worker.js): it
//! sweeps swarm seeds with the toggles the page has on and shrinks each
//! counterexample to a small scenario link, exactly as `raft-playground sweep
//! --swarm` and `raft-playground shrink --seed N --swarm` do natively.
//!
//! trunk builds it for wasm32 (index.html, `data-type="worker"`: built, never
//! loaded by trunk itself; fixed names hunt.js and hunt_bg.wasm). It is fetched
//! only when a person starts a hunt. Natively it is an empty program.

#[cfg(target_arch = "wasm32")]
mod exports {
    use raft_playground::check::{Property, Violation};
    use raft_playground::raft::{Bug, Bugs};
    use raft_playground::scenario::shrink::{SeedKind, seed_scenario, shrink};
    use raft_playground::sim::swarm::run_swarm_seed;
    use raft_playground::sim::{MS, SECOND, TraceMode};
    use serde::Serialize;
    use wasm_bindgen::prelude::*;

    /// Each seed runs this long, as `sweep --swarm` does by default.
    const DURATION: u64 = 10 * SECOND;

    fn bugs_of(names: &str) -> Result<Bugs, JsError> {
        let mut bugs = Bugs::none();
        for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let bug = Bug::from_name(name)
                .ok_or_else(|| JsError::new(&format!("'{name}' is not a broken-rule toggle")))?;
            bugs = bugs.with(bug);
        }
        Ok(bugs)
    }

    fn json(value: &impl Serialize) -> Result<String, JsError> {
        serde_json::to_string(value).map_err(|e| JsError::new(&e.to_string()))
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Found<'a> {
        seed: u64,
        property: &'static str,
        at_ms: f64,
        explanation: &'a str,
        /// Whether `shrinkSeed` can shrink it (a safety violation).
        safety: bool,
    }

    /// Runs swarm seed `seed` with the toggles `bugs` (comma-separated names).
    /// Returns "" when the run breaks nothing, else the first violation as JSON
    /// `{ seed, property, atMs, explanation, safety }`.
    #[wasm_bindgen(js_name = huntSeed)]
    pub fn hunt_seed(bugs: &str, seed: f64) -> Result<String, JsError> {
        let outcome = run_swarm_seed(seed as u64, bugs_of(bugs)?, DURATION, TraceMode::Off, true)
            .map_err(|e| JsError::new(&e))?;
        let Some(v): Option<&Violation> = outcome.violations.first() else {
            return Ok(String::new());
        };
        json(&Found {
            seed: outcome.seed,
            property: v.property.name(),
            at_ms: v.time as f64 / MS as f64,
            explanation: &v.explanation,
            safety: v.property != Property::Liveness,
        })
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Size {
        actions: usize,
        duration_ms: f64,
        nodes: usize,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Shrunk {
        link: String,
        property: &'static str,
        before: Size,
        after: Size,
        runs: usize,
    }

    /// Shrinks swarm seed `seed`'s run (which must break a safety property) to
    /// the smallest scenario that still breaks the same property, as JSON
    /// `{ link, property, before, after, runs }`; the link opens paused at the
    /// violation. A liveness-only seed gets its whole run as the link.
    #[wasm_bindgen(js_name = shrinkSeed)]
    pub fn shrink_seed(bugs: &str, seed: f64) -> Result<String, JsError> {
        let scenario = seed_scenario(seed as u64, SeedKind::Swarm, bugs_of(bugs)?, DURATION)
            .map_err(|e| JsError::new(&e))?;
        let size = |s: &raft_playground::scenario::shrink::Size| Size {
            actions: s.actions,
            duration_ms: s.duration as f64 / MS as f64,
            nodes: s.nodes,
        };
        let shrunk = shrink(&scenario, DURATION).map_err(|e| JsError::new(&e))?;
        let link = shrunk
            .scenario
            .encode_link()
            .map_err(|e| JsError::new(&e.to_string()))?;
        json(&Shrunk {
            link,
            property: shrunk.property.name(),
            before: size(&shrunk.before),
            after: size(&shrunk.after),
            runs: shrunk.runs,
        })
    }

    /// The whole run of swarm seed `seed`, as a link (for a seed whose only
    /// violation is liveness, which shrinking does not handle).
    #[wasm_bindgen(js_name = seedLink)]
    pub fn seed_link(bugs: &str, seed: f64) -> Result<String, JsError> {
        seed_scenario(seed as u64, SeedKind::Swarm, bugs_of(bugs)?, DURATION)
            .map_err(|e| JsError::new(&e))?
            .encode_link()
            .map_err(|e| JsError::new(&e.to_string()))
    }
}

fn main() {}

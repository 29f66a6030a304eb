//! The page's second wasm module: scenario links, JSON files and the gallery.
//!
//! The first load carries only the simulator (`src/wasm.rs`); this module (the
//! link compressor, base64, the JSON reader and writer, the presets) is loaded
//! by `web/scenarios.js` right after the first paint, or before it when the
//! URL holds a link. The two modules pass a scenario as its payload bytes
//! (`Scenario::to_payload`, the link before compression), so a link made in the
//! page is byte for byte the one the native CLI makes.
//!
//! trunk builds it for wasm32 (index.html, `data-type="worker"`: built, never
//! loaded by trunk itself). Natively it is an empty program.

#[cfg(target_arch = "wasm32")]
mod exports {
    use raft_playground::scenario::{Scenario, ScenarioError, presets};
    use serde::Serialize;
    use wasm_bindgen::prelude::*;

    fn scenario_err(e: ScenarioError) -> JsError {
        JsError::new(&e.to_string())
    }

    /// A link (a full URL, `#s=…` or `s=…`) as payload bytes for
    /// `Playground.fromWire`. A bad link throws an Error whose message is one
    /// sentence for the page's banner.
    #[wasm_bindgen(js_name = linkToWire)]
    pub fn link_to_wire(link: &str) -> Result<Vec<u8>, JsError> {
        Ok(Scenario::decode_link(link)
            .map_err(scenario_err)?
            .to_payload())
    }

    /// The link fragment (`#s=1.…`) of payload bytes from `Playground.wire`.
    /// Throws if the run is too long for a link (use `wireToJson`).
    #[wasm_bindgen(js_name = wireToLink)]
    pub fn wire_to_link(payload: &[u8]) -> Result<String, JsError> {
        let scenario = Scenario::from_payload(payload).map_err(scenario_err)?;
        scenario.encode_link().map_err(scenario_err)
    }

    /// A scenario JSON file (what `wireToJson` writes) as payload bytes.
    #[wasm_bindgen(js_name = jsonToWire)]
    pub fn json_to_wire(text: &str) -> Result<Vec<u8>, JsError> {
        Ok(Scenario::from_json(text)
            .map_err(scenario_err)?
            .to_payload())
    }

    /// Payload bytes as a JSON document (for a download). Not limited like a
    /// link: any run the page holds can be saved.
    #[wasm_bindgen(js_name = wireToJson)]
    pub fn wire_to_json(payload: &[u8]) -> Result<String, JsError> {
        Ok(Scenario::from_payload_unchecked(payload)
            .map_err(scenario_err)?
            .to_json())
    }

    /// The gallery preset with this id, as payload bytes.
    #[wasm_bindgen(js_name = presetWire)]
    pub fn preset_wire(id: &str) -> Result<Vec<u8>, JsError> {
        let p = presets::get(id).ok_or_else(|| {
            JsError::new(&format!(
                "no preset '{id}'; known: {}",
                presets::ids().join(", ")
            ))
        })?;
        Ok(p.scenario.to_payload())
    }

    /// The gallery: `[{ id, title, caption, durationMs, phases: [{ name,
    /// startMs, caption }] }]`, in order. The phases are the page's to show;
    /// they are not in the scenario (its link stays the same).
    #[wasm_bindgen]
    pub fn presets() -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Phase {
            name: &'static str,
            start_ms: f64,
            caption: &'static str,
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct P {
            id: &'static str,
            title: &'static str,
            caption: &'static str,
            duration_ms: f64,
            phases: Vec<Phase>,
        }
        let ms = |t: raft_playground::raft::Time| t as f64 / raft_playground::sim::MS as f64;
        let list: Vec<P> = presets::all()
            .into_iter()
            .map(|p| P {
                id: p.id,
                title: p.title,
                caption: p.caption,
                duration_ms: ms(p.duration),
                phases: p
                    .phases
                    .iter()
                    .map(|ph| Phase {
                        name: ph.name,
                        start_ms: ms(ph.start),
                        caption: ph.caption,
                    })
                    .collect(),
            })
            .collect();
        let json = serde_json::to_string(&list).map_err(|e| JsError::new(&e.to_string()))?;
        js_sys::JSON::parse(&json).map_err(|_| JsError::new("could not parse the gallery"))
    }
}

fn main() {}

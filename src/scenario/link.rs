//! The shareable link: `#s=<version>.<payload>`.
//!
//! Version 1 payload: `base64url(zlib(postcard(ScenarioV1)))`, no padding. zlib's
//! Adler-32 checksum catches a link that was cut short or mistyped. Version 2
//! is the same around `ScenarioV2` (the production features), version 3 around
//! `ScenarioV3` (settings and actions by name); a scenario is written in the
//! oldest version that holds it. See `docs/link-format.md`.

use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::wire::ScenarioV1;
use super::wire_v2::{ScenarioV2, needs_v2};
use super::wire_v3::{ScenarioV3, needs_v3};
use super::{Scenario, ScenarioError};

/// The newest format this build writes (and every format up to it is read).
pub const LINK_VERSION: u32 = 3;
/// Longest link text accepted (or produced), in bytes of text.
pub const MAX_LINK_CHARS: usize = 64 * 1024;
/// Most bytes a payload may decompress to (zip-bomb guard).
pub const MAX_DECODED_BYTES: usize = 1024 * 1024;

/// base64url without padding; on input, padding is tolerated.
const B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Compression level: 9 (best) is cheap for inputs this small.
const LEVEL: u8 = 9;

/// The uncompressed payload: the link's version as one byte, then the postcard
/// bytes of that version's frozen wire shape. The page's two wasm modules hand
/// scenarios to each other in this form (the simulator's module reads and
/// writes it; the scenario module adds deflate, base64, JSON and the presets),
/// so the first load carries no compressor. Not validated: a live run over a
/// link's limits still exports as JSON.
pub fn to_payload(scenario: &Scenario) -> Vec<u8> {
    let (version, body) = if needs_v3(scenario) {
        (3, postcard::to_allocvec(&ScenarioV3::from(scenario)))
    } else if needs_v2(scenario) {
        (2, postcard::to_allocvec(&ScenarioV2::from(scenario)))
    } else {
        (1, postcard::to_allocvec(&ScenarioV1::from(scenario)))
    };
    let mut out = vec![version];
    out.extend(body.expect("scenarios always serialise"));
    out
}

/// Reads [`to_payload`] bytes (all of them), then validates the scenario.
pub fn from_payload(bytes: &[u8]) -> Result<Scenario, ScenarioError> {
    let scenario = from_payload_unchecked(bytes)?;
    scenario.validate()?;
    Ok(scenario)
}

/// Reads [`to_payload`] bytes (all of them) without checking the scenario's
/// limits: for saving a live run as JSON, whatever its length.
pub fn from_payload_unchecked(bytes: &[u8]) -> Result<Scenario, ScenarioError> {
    match bytes.split_first() {
        Some((1, body)) => read_body::<ScenarioV1>(body),
        Some((2, body)) => read_body::<ScenarioV2>(body),
        Some((3, body)) => read_body::<ScenarioV3>(body),
        Some((v, _)) => Err(ScenarioError::UnsupportedVersion(v.to_string())),
        None => Err(ScenarioError::Corrupt("empty scenario bytes".into())),
    }
}

/// Reads one version's postcard bytes (all of them).
fn read_body<W>(bytes: &[u8]) -> Result<Scenario, ScenarioError>
where
    W: serde::de::DeserializeOwned,
    Scenario: TryFrom<W, Error = ScenarioError>,
{
    let (wire, rest) = postcard::take_from_bytes::<W>(bytes)
        .map_err(|e| ScenarioError::Corrupt(format!("malformed scenario bytes: {e}")))?;
    if !rest.is_empty() {
        return Err(ScenarioError::Corrupt(format!(
            "{} unexpected bytes after the scenario",
            rest.len()
        )));
    }
    Scenario::try_from(wire)
}

pub fn encode(scenario: &Scenario) -> Result<String, ScenarioError> {
    scenario.validate()?;
    let payload = to_payload(scenario);
    let (version, bytes) = payload
        .split_first()
        .expect("a payload starts with its version");
    if bytes.len() > MAX_DECODED_BYTES {
        return Err(ScenarioError::TooLarge(format!(
            "{} bytes before compression (at most {MAX_DECODED_BYTES})",
            bytes.len()
        )));
    }
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(bytes, LEVEL);
    let link = format!("#s={version}.{}", B64.encode(packed));
    if link.len() > MAX_LINK_CHARS {
        return Err(ScenarioError::TooLong {
            chars: link.len(),
            max: MAX_LINK_CHARS,
        });
    }
    Ok(link)
}

/// Finds the `s=` value in a URL, a fragment, or the bare value.
fn payload_of(text: &str) -> Option<&str> {
    let fragment = match text.find('#') {
        Some(i) => &text[i + 1..],
        None => text,
    };
    if let Some(v) = fragment.split('&').find_map(|p| p.strip_prefix("s=")) {
        return Some(v);
    }
    // A bare `1.xxxx` (what follows `s=`) is accepted too.
    let (version, _) = fragment.split_once('.')?;
    (!version.is_empty() && version.bytes().all(|b| b.is_ascii_digit())).then_some(fragment)
}

pub fn decode(text: &str) -> Result<Scenario, ScenarioError> {
    if text.len() > MAX_LINK_CHARS {
        return Err(ScenarioError::TooLong {
            chars: text.len(),
            max: MAX_LINK_CHARS,
        });
    }
    let text = text.trim();
    if text.is_empty() {
        return Err(ScenarioError::NotALink);
    }
    let value = payload_of(text).ok_or(ScenarioError::NotALink)?;
    let (version, data) = value
        .split_once('.')
        .ok_or_else(|| ScenarioError::Corrupt("no version before the data".into()))?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ScenarioError::Corrupt(format!(
            "the version '{}' is not a number",
            shorten(version)
        )));
    }
    let scenario = match version.trim_start_matches('0') {
        "1" => read_body::<ScenarioV1>(&inflate(data)?)?,
        "2" => read_body::<ScenarioV2>(&inflate(data)?)?,
        "3" => read_body::<ScenarioV3>(&inflate(data)?)?,
        _ => return Err(ScenarioError::UnsupportedVersion(shorten(version))),
    };
    scenario.validate()?;
    Ok(scenario)
}

/// The postcard bytes of a link's data (base64url of zlib).
fn inflate(data: &str) -> Result<Vec<u8>, ScenarioError> {
    // A link ends at the fragment's next parameter, if any.
    let data = data.split('&').next().unwrap_or_default();
    let packed = B64
        .decode(data)
        .map_err(|e| ScenarioError::Corrupt(format!("bad base64: {e}")))?;
    miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&packed, MAX_DECODED_BYTES).map_err(
        |e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ScenarioError::TooLarge(format!(
                "decompresses to more than {MAX_DECODED_BYTES} bytes"
            )),
            miniz_oxide::inflate::TINFLStatus::Adler32Mismatch => {
                ScenarioError::Corrupt("checksum mismatch".into())
            }
            _ => ScenarioError::Corrupt("bad compressed data".into()),
        },
    )
}

/// At most 20 characters of untrusted text, for messages.
fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(20).collect();
    if s.chars().count() > 20 {
        out.push('…');
    }
    out
}

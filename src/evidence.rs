//! Evidence packs: a deterministic `.tar.gz` an auditor can verify byte for byte later.
//!
//! A pack holds the snapshot as collected, the JSON and HTML reports evaluated from it,
//! the check catalogue and compliance mappings used, and `manifest.json`: each file's
//! SHA-256 and size, the run's caller, times, accounts and Regions, and one digest over
//! the manifest. With a signing key, `manifest.sig` is a detached Ed25519 signature over
//! `manifest.json`.

use std::collections::BTreeMap;
use std::io::Read;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::checks::registry;
use crate::compliance;
use crate::report::Report;

pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.sig";
pub const FORMAT: &str = "perimeter-evidence/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub perimeter_version: String,
    pub run: Value,
    pub files: Vec<FileEntry>,
    /// SHA-256 over this manifest serialised without the `digest` field.
    #[serde(default)]
    pub digest: String,
}

#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a perimeter evidence pack: {reason}")]
    NotAPack { path: String, reason: String },
    #[error("key {path}: {reason}")]
    Key { path: String, reason: String },
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn manifest_digest(m: &Manifest) -> String {
    let mut copy = m.clone();
    copy.digest = String::new();
    let bytes = serde_json::to_vec(&copy).unwrap_or_default();
    sha256_hex(&bytes)
}

/// The files of a pack, in archive order (sorted by path).
pub fn pack_files(snapshot_bytes: &[u8], report: &Report, html: &str) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    files.insert("snapshot.json".to_string(), snapshot_bytes.to_vec());
    files.insert(
        "report.json".to_string(),
        crate::report::json::render(report).into_bytes(),
    );
    files.insert("report.html".to_string(), html.as_bytes().to_vec());
    for check in registry::CHECKS {
        let m = registry::metadata(check.code());
        files.insert(
            format!("catalogue/checks/{}/{}.toml", m.control.as_str(), m.code),
            check.metadata_source().as_bytes().to_vec(),
        );
    }
    for fw in compliance::frameworks() {
        files.insert(
            format!("catalogue/compliance/{}.json", fw.id),
            (serde_json::to_string_pretty(fw).unwrap_or_default() + "\n").into_bytes(),
        );
    }
    files
}

fn manifest_for(files: &BTreeMap<String, Vec<u8>>, report: &Report) -> Manifest {
    let mut m = Manifest {
        format: FORMAT.into(),
        perimeter_version: report.tool.version.clone(),
        run: json!({
            "caller": report.run.caller, "started": report.run.started,
            "finished": report.run.finished, "accounts": report.run.accounts,
            "regions": report.run.regions, "source": report.run.source,
            "partial": report.run.partial,
            "findings": report.summary.total, "failing": report.summary.fail,
            "score": report.scores.overall,
        }),
        files: files
            .iter()
            .map(|(path, bytes)| FileEntry {
                path: path.clone(),
                sha256: sha256_hex(bytes),
                size: bytes.len() as u64,
            })
            .collect(),
        digest: String::new(),
    };
    m.digest = manifest_digest(&m);
    m
}

/// Build the archive bytes: deterministic (sorted entries, fixed times and owners, gzip
/// header without a name or time).
#[expect(
    clippy::expect_used,
    reason = "the archive is written to memory, which does not fail"
)]
pub fn build_pack(
    snapshot_bytes: &[u8],
    report: &Report,
    html: &str,
    key: Option<&SigningKey>,
) -> Vec<u8> {
    let mut files = pack_files(snapshot_bytes, report, html);
    let manifest = manifest_for(&files, report);
    let manifest_bytes =
        (serde_json::to_string_pretty(&manifest).unwrap_or_default() + "\n").into_bytes();
    if let Some(k) = key {
        let sig = k.sign(&manifest_bytes);
        files.insert(
            SIGNATURE.into(),
            (hex::encode(sig.to_bytes()) + "\n").into_bytes(),
        );
    }
    files.insert(MANIFEST.into(), manifest_bytes);

    let gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    // manifest first, then the rest in path order.
    let mut order: Vec<&String> = files.keys().collect();
    order.sort_by_key(|p| {
        (
            p.as_str() != MANIFEST,
            p.as_str() != SIGNATURE,
            p.to_string(),
        )
    });
    for path in order {
        let bytes = &files[path];
        let mut h = tar::Header::new_gnu();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_uid(0);
        h.set_gid(0);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_cksum();
        tar.append_data(&mut h, path, bytes.as_slice())
            .expect("writing to memory does not fail");
    }
    let gz = tar.into_inner().expect("finish tar in memory");
    gz.finish().expect("finish gzip in memory")
}

/// The result of verifying a pack. Intact only when every list is empty and the digest
/// (and signature, if a key was given) holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Verification {
    pub digest_ok: bool,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    pub added: Vec<String>,
    /// `None`: not checked (no key given); `Some(false)`: missing or invalid.
    pub signature_ok: Option<bool>,
    pub signed: bool,
    pub run: Value,
    /// Why the archive itself could not be read to the end (a damaged gzip or tar
    /// stream): the pack was tampered with or corrupted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub damaged: Option<String>,
}

impl Verification {
    pub fn intact(&self) -> bool {
        self.damaged.is_none()
            && self.digest_ok
            && self.changed.is_empty()
            && self.removed.is_empty()
            && self.added.is_empty()
            && self.signature_ok != Some(false)
    }
}

pub fn read_pack(path: &str, bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, EvidenceError> {
    let not = |reason: String| EvidenceError::NotAPack {
        path: path.into(),
        reason,
    };
    let gz = flate2::read::GzDecoder::new(bytes);
    let mut ar = tar::Archive::new(gz);
    let mut files = BTreeMap::new();
    let entries = ar.entries().map_err(|e| not(e.to_string()))?;
    for entry in entries {
        let mut e = entry.map_err(|e| not(e.to_string()))?;
        let name = e
            .path()
            .map_err(|e| not(e.to_string()))?
            .to_string_lossy()
            .into_owned();
        let mut data = Vec::new();
        e.read_to_end(&mut data).map_err(|e| not(e.to_string()))?;
        if files.insert(name.clone(), data).is_some() {
            return Err(not(format!("{name} appears twice")));
        }
    }
    Ok(files)
}

pub fn verify(
    path: &str,
    bytes: &[u8],
    key: Option<&VerifyingKey>,
) -> Result<Verification, EvidenceError> {
    let files = match read_pack(path, bytes) {
        Ok(f) => f,
        // A gzip stream that starts as one but cannot be read through is a damaged
        // pack (tampering or corruption): a verdict, not a failure to run.
        Err(EvidenceError::NotAPack { reason, .. }) if bytes.starts_with(&[0x1f, 0x8b]) => {
            return Ok(Verification {
                damaged: Some(reason),
                ..Verification::default()
            });
        }
        Err(e) => return Err(e),
    };
    let not = |reason: String| EvidenceError::NotAPack {
        path: path.into(),
        reason,
    };
    let manifest_bytes = files
        .get(MANIFEST)
        .ok_or_else(|| not("it has no manifest.json".into()))?;
    let manifest: Manifest = serde_json::from_slice(manifest_bytes)
        .map_err(|e| not(format!("manifest.json is not a manifest ({e})")))?;
    if manifest.format != FORMAT {
        return Err(not(format!(
            "manifest format {:?} is not {FORMAT}",
            manifest.format
        )));
    }
    let mut v = Verification {
        digest_ok: manifest_digest(&manifest) == manifest.digest,
        run: manifest.run.clone(),
        signed: files.contains_key(SIGNATURE),
        ..Verification::default()
    };
    let listed: BTreeMap<&str, &FileEntry> = manifest
        .files
        .iter()
        .map(|f| (f.path.as_str(), f))
        .collect();
    for (p, entry) in &listed {
        match files.get(*p) {
            None => v.removed.push(p.to_string()),
            Some(b) => {
                if b.len() as u64 != entry.size || sha256_hex(b) != entry.sha256 {
                    v.changed.push(p.to_string());
                }
            }
        }
    }
    for p in files.keys() {
        if p != MANIFEST && p != SIGNATURE && !listed.contains_key(p.as_str()) {
            v.added.push(p.clone());
        }
    }
    if let Some(k) = key {
        v.signature_ok = Some(
            files
                .get(SIGNATURE)
                .and_then(|s| hex::decode(String::from_utf8_lossy(s).trim()).ok())
                .and_then(|b| Signature::from_slice(&b).ok())
                .is_some_and(|sig| k.verify(manifest_bytes, &sig).is_ok()),
        );
    }
    Ok(v)
}

/// A 32-byte key given as a file holding 64 hex characters, or as the hex itself.
/// Errors name the file, or "the key given as hex", never the key material.
fn read_hex32(arg: &str) -> Result<[u8; 32], EvidenceError> {
    let looks_hex = !arg.is_empty() && arg.trim().bytes().all(|b| b.is_ascii_hexdigit());
    let is_file = std::path::Path::new(arg).is_file();
    let (label, text) = if is_file {
        let text = std::fs::read_to_string(arg).map_err(|source| EvidenceError::Read {
            path: arg.into(),
            source,
        })?;
        (arg.to_string(), text)
    } else if looks_hex {
        ("(the key given as hex)".to_string(), arg.to_string())
    } else {
        return Err(EvidenceError::Key {
            path: arg.into(),
            reason: "no such file, and not a hexadecimal key".into(),
        });
    };
    let bytes = hex::decode(text.trim()).map_err(|_| EvidenceError::Key {
        path: label.clone(),
        reason: "expected 64 hexadecimal characters".into(),
    })?;
    bytes.try_into().map_err(|_| EvidenceError::Key {
        path: label,
        reason: "expected a 32-byte key (64 hexadecimal characters)".into(),
    })
}

pub fn load_signing_key(path: &str) -> Result<SigningKey, EvidenceError> {
    Ok(SigningKey::from_bytes(&read_hex32(path)?))
}

pub fn load_verifying_key(path: &str) -> Result<VerifyingKey, EvidenceError> {
    VerifyingKey::from_bytes(&read_hex32(path)?).map_err(|_| EvidenceError::Key {
        path: path.into(),
        reason: "not a valid Ed25519 public key".into(),
    })
}

/// A new key pair as hex text: (secret seed, public key).
pub fn generate_keypair() -> Result<(String, String), String> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| format!("no system randomness: {e}"))?;
    let k = SigningKey::from_bytes(&seed);
    Ok((hex::encode(seed), hex::encode(k.verifying_key().to_bytes())))
}

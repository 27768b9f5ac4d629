//! `evidence pack|verify|keygen`: evidence an auditor can verify later.

use super::*;

pub(super) fn evidence_cmd(c: EvidenceCommand) -> Result<ExitCode> {
    match c {
        EvidenceCommand::Pack {
            snapshot,
            output,
            sign,
            config,
            mutes,
        } => {
            let config = load_config(config.as_deref())?;
            let name = snapshot.to_string_lossy().into_owned();
            let bytes =
                std::fs::read(&snapshot).with_context(|| format!("cannot read snapshot {name}"))?;
            let text = String::from_utf8(bytes.clone())
                .map_err(|_| anyhow!("snapshot {name} is not UTF-8 text"))?;
            let snap = Snapshot::from_json(&name, &text)?;
            let key = sign
                .map(|k| crate::evidence::load_signing_key(&k.to_string_lossy()))
                .transpose()?;
            let report = build_report(&snap, &config, mutes.as_deref())?;
            let html = report::html::render(&report);
            let pack = crate::evidence::build_pack(&bytes, &report, &html, key.as_ref());
            std::fs::write(&output, &pack)
                .with_context(|| format!("cannot write {}", output.display()))?;
            eprintln!(
                "wrote {} ({} bytes{})",
                output.display(),
                pack.len(),
                if key.is_some() { ", signed" } else { "" }
            );
            Ok(ExitCode::SUCCESS)
        }
        EvidenceCommand::Verify {
            pack,
            verify_key,
            format,
        } => {
            let name = pack.to_string_lossy().into_owned();
            let bytes = std::fs::read(&pack).with_context(|| format!("cannot read {name}"))?;
            let key = verify_key
                .map(|k| crate::evidence::load_verifying_key(&k.to_string_lossy()))
                .transpose()?;
            let v = crate::evidence::verify(&name, &bytes, key.as_ref())?;
            if format == TextOrJson::Json {
                let mut j = serde_json::to_value(&v)?;
                j["intact"] = json!(v.intact());
                emit(&(serde_json::to_string_pretty(&j)? + "\n"))?;
            } else {
                let mut t = String::new();
                t.push_str(if v.intact() { "INTACT" } else { "NOT INTACT" });
                t.push_str(&format!(": {name}\n"));
                if let Some(why) = &v.damaged {
                    t.push_str(&format!("  the archive is damaged: {why}\n"));
                } else if !v.digest_ok {
                    t.push_str("  manifest.json does not match its digest (edited)\n");
                }
                for p in &v.changed {
                    t.push_str(&format!("  changed: {p}\n"));
                }
                for p in &v.removed {
                    t.push_str(&format!("  removed: {p}\n"));
                }
                for p in &v.added {
                    t.push_str(&format!("  added:   {p}\n"));
                }
                match (v.signature_ok, v.signed) {
                    (Some(true), _) => t.push_str("  signature: valid for the given key\n"),
                    (Some(false), _) => {
                        t.push_str("  signature: MISSING OR INVALID for the given key\n")
                    }
                    (None, true) => {
                        t.push_str("  signature: present, not checked (pass --verify-key)\n")
                    }
                    (None, false) => t.push_str("  signature: none\n"),
                }
                t.push_str(&format!("  run: {}\n", v.run));
                emit(&t)?;
            }
            Ok(if v.intact() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_FINDINGS)
            })
        }
        EvidenceCommand::Keygen { out_dir } => {
            let (secret, public) = crate::evidence::generate_keypair().map_err(|e| anyhow!(e))?;
            std::fs::create_dir_all(&out_dir)
                .with_context(|| format!("cannot create {}", out_dir.display()))?;
            let k = out_dir.join("perimeter.key");
            let p = out_dir.join("perimeter.pub");
            if k.exists() {
                bail!("{} exists; not overwriting a key", k.display());
            }
            std::fs::write(&k, secret + "\n")
                .with_context(|| format!("cannot write {}", k.display()))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(&k, std::fs::Permissions::from_mode(0o600));
            }
            std::fs::write(&p, public + "\n")
                .with_context(|| format!("cannot write {}", p.display()))?;
            eprintln!("wrote {} (keep secret) and {}", k.display(), p.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

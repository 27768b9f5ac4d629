//! RES-002: an account with a residency requirement invoked an inference profile that
//! routes outside its geography — a `global.` profile, another geography's profile, or an
//! application profile copied from one — as event history's `modelId` shows.

use std::collections::BTreeMap;

use serde_json::json;

use super::analyse;
use crate::checks::context::AccountView;
use crate::checks::cris::Geographies;
use crate::checks::cris::geographies::GLOBAL;
use crate::checks::threat::{event_json, is_invoke};
use crate::checks::{Check, Draft, EvalContext};
use crate::model::TrailEvent;

/// Where a profile a call named routes, against the geography.
enum Route {
    Inside(String),
    Outside(String),
    /// An application profile that was not among those read.
    Unread,
}

/// The route of the profile a call named; `None` when it names no profile (a foundation
/// model runs where it is called).
fn judge(geos: &Geographies, acct: &AccountView<'_>, model_id: &str, geo: &str) -> Option<Route> {
    if model_id.contains(":application-inference-profile/") {
        let p = acct
            .account
            .regions
            .values()
            .filter_map(|d| d.bedrock.as_ref()?.inference_profiles.as_ref())
            .flatten()
            .find(|p| p.arn == model_id);
        let Some(p) = p else {
            return Some(Route::Unread);
        };
        let regions: Vec<&str> = p
            .models
            .iter()
            .map(|m| m.split(':').nth(3).unwrap_or_default())
            .collect();
        let outside: Vec<&str> = regions
            .iter()
            .copied()
            .filter(|r| r.is_empty() || !geos.contains(geo, r))
            .collect();
        return Some(if outside.is_empty() {
            Route::Inside(format!(
                "application profile routing to {}",
                regions.join(", ")
            ))
        } else {
            Route::Outside(format!(
                "application profile {} routes to {}",
                p.name,
                outside
                    .iter()
                    .map(|r| if r.is_empty() {
                        "any Region (global)"
                    } else {
                        r
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        });
    }
    let id = model_id
        .rsplit_once(":inference-profile/")
        .map_or(model_id, |(_, id)| id);
    if model_id.contains(":foundation-model/")
        || model_id.starts_with("arn:") && !model_id.contains(":inference-profile/")
    {
        return None;
    }
    let (prefix, _) = id.split_once('.')?;
    if prefix == GLOBAL {
        return Some(if geo == GLOBAL {
            Route::Inside("global profile".into())
        } else {
            Route::Outside("a global profile routes to any commercial Region".into())
        });
    }
    let p = geos.of_profile_id(id)?;
    Some(if p == geo {
        Route::Inside(format!("{p} profile"))
    } else {
        Route::Outside(format!("a {p} profile routes outside {geo}"))
    })
}

#[derive(Debug)]
pub struct ResidencyProfileInvoked;

impl Check for ResidencyProfileInvoked {
    fn run(&self, cx: &EvalContext<'_>) -> Vec<Draft> {
        let mut out = super::undecidable(cx);
        let geos = Geographies::new(cx.config);
        for acct in analyse(cx) {
            let Some(view) = cx.account(&acct.account) else {
                continue;
            };
            let geo = acct.geography.as_str();
            for r in &acct.regions {
                let window = view
                    .account
                    .regions
                    .get(&r.region)
                    .and_then(|d| d.cloudtrail.as_ref()?.bedrock_events.as_ref());
                let Some(window) = window else {
                    out.push(
                        view.at(Some(&r.region), view.root_arn())
                            .unknown(format!(
                                "The event history of {} could not be read, so which profiles its calls named is not known.",
                                r.region
                            ))
                            .evidence(cx.gap_evidence(&acct.account, Some(&r.region), "cloudtrail")),
                    );
                    continue;
                };
                let mut by_profile: BTreeMap<&str, Vec<&TrailEvent>> = BTreeMap::new();
                for ev in window.events.iter().filter(|e| is_invoke(e)) {
                    if let Some(m) = ev.model_id.as_deref() {
                        // `eu.x` and `arn:...:inference-profile/eu.x` are one profile.
                        let key = m.rsplit_once(":inference-profile/").map_or(m, |(_, id)| id);
                        by_profile.entry(key).or_default().push(ev);
                    }
                }
                let mut any = false;
                for (model, evs) in by_profile {
                    let Some(verdict) = judge(&geos, view, model, geo) else {
                        continue;
                    };
                    any = true;
                    // A profile named by its id is the same profile as by its ARN.
                    let resource = if model.starts_with("arn:") {
                        model.to_string()
                    } else {
                        format!(
                            "arn:{}:bedrock:{}:{}:inference-profile/{model}",
                            view.partition, r.region, view.account.id
                        )
                    };
                    let at = view.at(Some(&r.region), resource);
                    let ev = json!({
                        "profile": model, "residency": {"geography": geo, "source": acct.requirement_source},
                        "calls": evs.len(),
                        "events": evs.iter().take(crate::checks::threat::EVIDENCE_EVENTS).map(|e| event_json(e)).collect::<Vec<_>>(),
                    });
                    out.push(match verdict {
                        Route::Unread => at.unknown(format!("{} call(s) in {} named application profile {model}, which was not among the profiles read, so where it routes is not known.", evs.len(), r.region)),
                        Route::Inside(what) => at.pass(format!("{} call(s) in {} named {model} ({what}), which stays in {geo}.", evs.len(), r.region)),
                        Route::Outside(why) => at.fail(format!("{} call(s) in {} named {model}: {why}, against the account's {geo} residency requirement.", evs.len(), r.region)),
                    }.evidence(ev));
                }
                if !any && window.capped {
                    out.push(
                        view.at(Some(&r.region), view.root_arn())
                            .unknown(format!(
                                "No call in {} named a profile among the events read, but the history was cut short by the page cap.",
                                r.region
                            ))
                            .evidence(json!({"invocations": r.invocations, "capped": true})),
                    );
                } else if !any {
                    out.push(view.at(Some(&r.region), view.root_arn()).pass(format!(
                        "No inference profile named by a model call in {} in the last {} days of event history.",
                        r.region, window.days
                    )).evidence(json!({"invocations": r.invocations, "residency": {"geography": geo}})));
                }
            }
        }
        out
    }
}

//! Progress display on stderr: accounts done/total, calls, gaps, retries and throttles.
//! Shown only when asked for and stderr is a terminal.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::context::RunShared;

#[derive(Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
    ticker: Option<Arc<tokio::task::JoinHandle<()>>>,
}

impl Progress {
    pub fn start(enabled: bool, total: u64, run: Arc<RunShared>) -> Progress {
        if !enabled || !std::io::stderr().is_terminal() {
            return Progress {
                bar: None,
                ticker: None,
            };
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{spinner} {elapsed_precise} [{bar:30}] {pos}/{len} accounts  {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(200));
        let b = bar.clone();
        let ticker = tokio::spawn(async move {
            loop {
                let calls = run.calls.load(Ordering::Relaxed);
                let attempts = run.attempts.load(Ordering::Relaxed);
                b.set_message(format!(
                    "calls {calls}  gaps {}  retries {}  throttled {}",
                    run.gaps.load(Ordering::Relaxed),
                    attempts.saturating_sub(calls),
                    run.throttles.load(Ordering::Relaxed),
                ));
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        });
        Progress {
            bar: Some(bar),
            ticker: Some(Arc::new(ticker)),
        }
    }

    pub fn account_done(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    pub fn finish(&self) {
        if let Some(t) = &self.ticker {
            t.abort();
        }
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

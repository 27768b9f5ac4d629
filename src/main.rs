//! The `perimeter` binary: parse arguments, set up logging, run, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;
use perimeter::app;
use perimeter::cli::Cli;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // Help and version are not errors; everything else is a usage error (exit 2).
            if !e.use_stderr() {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            // One line: what was wrong, without clap's usage block.
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            // clap lists the accepted values (or a suggestion) on lines of their own.
            let hint = text
                .lines()
                .map(str::trim)
                .find(|l| l.starts_with("[possible values:") || l.starts_with("tip: a similar"))
                .map(|l| format!(" {l}"))
                .unwrap_or_default();
            eprintln!("perimeter: {first}{hint} (see `perimeter --help`)");
            return ExitCode::from(app::EXIT_ERROR);
        }
    };
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("PERIMETER_LOG").unwrap_or_else(|_| {
            // The AWS SDK's own warnings (e.g. a missing config file) stay quiet unless -vv.
            let others = if cli.verbose >= 2 { "info" } else { "error" };
            tracing_subscriber::EnvFilter::new(format!("perimeter={level},{others}"))
        });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .init();
    match app::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("perimeter: {}", one_line(&e));
            ExitCode::from(app::EXIT_ERROR)
        }
    }
}

/// The error and its causes on one line, each cause once: an error whose own message
/// already quotes its cause (as `thiserror`'s `{source}` does) does not repeat it.
fn one_line(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

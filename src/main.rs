//! The `perimeter` binary: parse arguments, set up logging, run, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;
use perimeter::app;
use perimeter::cli::Cli;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // Help and version are not errors; everything else is a usage error (exit 2).
            if !e.use_stderr() {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            // One line: what was wrong (with the missing arguments' names, the accepted
            // values or a "did you mean"), pointing at the subcommand's help.
            let text = e.render().to_string();
            eprintln!("perimeter: {}", usage_line(&text));
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

/// clap's rendered usage error as one line: its first line, the argument names listed
/// under it, clap's hint, and the help of the subcommand the usage block names.
fn usage_line(text: &str) -> String {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("invalid arguments");
    let mut msg = first.strip_prefix("error: ").unwrap_or(first).to_string();
    let mut listed = Vec::new();
    let mut help = "perimeter --help".to_string();
    for l in lines {
        let t = l.trim();
        if let Some(usage) = t.strip_prefix("Usage: ") {
            let cmd: Vec<&str> = usage
                .split_whitespace()
                .take_while(|w| !w.starts_with(['-', '<', '[']))
                .collect();
            if !cmd.is_empty() {
                help = format!("{} --help", cmd.join(" "));
            }
        } else if t.starts_with("[possible values:") || t.starts_with("tip:") {
            msg.push(' ');
            msg.push_str(t);
        } else if l.starts_with("  ") && !t.is_empty() && listed.len() < 8 {
            listed.push(t.to_string());
        }
    }
    if !listed.is_empty() {
        msg = format!("{} {}", msg.trim_end_matches(':'), listed.join(", "));
    }
    format!("{msg} (see `{help}`)")
}

//! `genesys-desk scenario run FILE`: many simulated customers run a scenario
//! on the app's engine (its listener receives the agent's replies, its
//! notifications session the agent's presence); a report on the terminal,
//! and as JSON and JUnit XML for CI. Exit 0 only when every customer passed.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};

use super::listen::listener_addr;
use super::output::{printable, stop_signal};
use super::verify::{AccountArgs, resolve_account};
use super::{CliError, CliResult};
use crate::config::Environment;
use crate::config::defaults::EMULATOR_ACCOUNT;
use crate::engine::bind::{DEFAULT_LISTENER_ADDR, parse_bind};
use crate::engine::{self, EngineConfig, ListenerSetup};
use crate::scenario::report::RunReport;
use crate::scenario::run::{RunOptions, RunProgress, RunStatus};
use crate::webhook::WebhookAccount;

#[derive(Debug, Subcommand)]
pub enum ScenarioCommand {
    /// Run a scenario file with one or many simulated customers.
    Run(RunArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario (YAML).
    pub file: PathBuf,
    /// Account to run as (default: the file's `account`, else Emulator).
    #[arg(long)]
    pub account: Option<String>,
    #[arg(long = "env", value_name = "ENV")]
    pub env: Option<String>,
    /// Simulated customers, each with its own id.
    #[arg(long, default_value_t = 1)]
    pub customers: usize,
    /// Customers running at the same time.
    #[arg(long, default_value_t = 10)]
    pub concurrency: usize,
    /// API calls per minute, all customers together (default 240 for an org,
    /// none for a loopback emulator; 0: no pacing).
    #[arg(long, value_name = "PER_MINUTE")]
    pub rate: Option<u32>,
    /// Seconds one customer may take for all its steps.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub timeout: u64,
    /// Write the report as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the report as JUnit XML to FILE (one testcase per customer).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Listener bind address (default 127.0.0.1:8787; the integration's webhook must reach it).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
}

pub fn run(home: Option<PathBuf>, cmd: ScenarioCommand) -> CliResult {
    let ScenarioCommand::Run(args) = cmd;
    let file = crate::scenario::load(&args.file).map_err(|e| CliError::Usage(e.to_string()))?;
    if args.customers == 0 || args.concurrency == 0 {
        return Err(CliError::Usage("--customers and --concurrency must be at least 1".into()));
    }
    let name = args.account.clone().or_else(|| file.scenario.account.clone()).unwrap_or(EMULATOR_ACCOUNT.into());
    let target =
        AccountArgs { account: Some(name), host: None, client_id: None, integration_id: None, env: args.env.clone() };
    let account = resolve_account(home.clone(), &target)?;
    let env = match args.env.as_deref() {
        Some(e) => e.parse::<Environment>().map_err(CliError::Usage)?,
        None => Environment::Development,
    };
    let text = args.listen.clone().unwrap_or_else(|| DEFAULT_LISTENER_ADDR.to_string());
    let bind = parse_bind(&text, DEFAULT_LISTENER_ADDR).map_err(|e| CliError::Usage(format!("--listen {e}")))?;
    let opts = RunOptions {
        env,
        account: account.name.clone(),
        customers: args.customers,
        concurrency: args.concurrency,
        rate_per_minute: crate::scenario::pace::rate(args.rate, &account),
        timeout: Duration::from_secs(args.timeout),
        run_id: uuid::Uuid::new_v4().simple().to_string()[..8].to_string(),
    };
    let paths = crate::config::Paths::resolve(home.as_deref()).map_err(CliError::Failed)?;
    let mut config = EngineConfig::headless(paths, vec![account.clone()]);
    config.listener = Some(ListenerSetup { addr: bind, accounts: Some(vec![WebhookAccount::from(&account)]) });
    let runtime = super::runtime()?;
    let mut engine = engine::spawn_headless(runtime.handle(), config);
    let report = runtime.block_on(async {
        let stop = stop_signal();
        let addr = listener_addr(&mut engine, Some("scenario run takes its address from --listen")).await?;
        eprintln!(
            "scenario {:?}: {} customer(s), {} at a time, as {} (run {}); listener http://{addr}",
            file.scenario.name, opts.customers, opts.concurrency, account.name, opts.run_id
        );
        let mut display = Display::new(opts.customers);
        let report = crate::scenario::run::run(&mut engine, &file, &opts, |status| display.update(status), stop).await;
        display.finish();
        Ok::<_, CliError>(report)
    });
    if let Ok(report) = &report {
        let run = crate::storage::StoredRun {
            path: args.file.clone(),
            account: account.name.clone(),
            report: report.clone(),
        };
        engine.send(crate::engine::Command::RecordRun(Box::new(run)));
    }
    runtime.block_on(engine.shutdown());
    let report = report?;
    write_reports(&report, &args)?;
    print_summary(&report);
    if report.all_passed() {
        Ok(())
    } else {
        Err(CliError::Failed(format!(
            "{} of {} customers did not pass",
            report.customers.len() - report.count("pass"),
            report.customers.len()
        )))
    }
}

/// A progress bar on a terminal; a line per finished customer otherwise.
struct Display {
    bar: Option<indicatif::ProgressBar>,
    shown: Option<RunProgress>,
}

impl Display {
    fn new(total: usize) -> Display {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            let style = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} [{elapsed}]");
            if let Ok(style) = style {
                bar.set_style(style);
            }
            bar
        });
        Display { bar, shown: None }
    }

    fn update(&mut self, status: &RunStatus<'_>) {
        let (p, done) = (status.progress, status.finished);
        if done.is_empty() && self.shown == Some(p) {
            return;
        }
        self.shown = Some(p);
        match &self.bar {
            Some(bar) => {
                bar.set_position((p.passed + p.failed + p.errors) as u64);
                bar.set_message(format!(
                    "passed {} failed {} errors {} running {}",
                    p.passed, p.failed, p.errors, p.running
                ));
            }
            None => {
                for f in done {
                    let reason =
                        if f.reason.is_empty() { String::new() } else { format!(": {}", printable(&f.reason)) };
                    eprintln!("customer {} ({}) {}{reason}", f.n, f.customer_id, f.outcome);
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish();
        }
    }
}

fn write_reports(report: &RunReport, args: &RunArgs) -> CliResult {
    // Written whole or not at all; the folder keeps its permissions (a CI workspace).
    let write = |path: &PathBuf, text: String| {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
        let written = tempfile::NamedTempFile::new_in(dir).and_then(|mut tmp| {
            std::io::Write::write_all(&mut tmp, text.as_bytes())?;
            tmp.persist(path).map(|_| ()).map_err(|e| e.error)
        });
        written.map_err(|e| CliError::Usage(format!("cannot write {}: {e}", path.display())))
    };
    if let Some(path) = &args.json {
        write(path, format!("{:#}\n", report.to_json()))?;
    }
    if let Some(path) = &args.junit {
        write(path, report.to_junit())?;
    }
    Ok(())
}

fn print_summary(report: &RunReport) {
    println!(
        "{}: {} customers: {} passed, {} failed, {} errors in {:.1} s; 429 answers {}, retried deliveries {}, duplicates {}",
        report.scenario,
        report.customers.len(),
        report.count("pass"),
        report.count("fail"),
        report.count("error"),
        report.took.as_secs_f64(),
        report.throttled,
        report.retries,
        report.duplicates
    );
    for c in report.customers.iter().filter(|c| c.outcome.label() != "pass").take(20) {
        println!("  customer {} ({}): {}", c.n, c.customer_id, printable(&c.outcome.reason()));
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    for (name, spread) in report.spreads() {
        if let Some(s) = spread {
            println!(
                "  {name:<15} n={:<5} p50 {:>8.1} ms  p95 {:>8.1} ms  p99 {:>8.1} ms  max {:>8.1} ms",
                s.count,
                ms(s.p50),
                ms(s.p95),
                ms(s.p99),
                ms(s.max)
            );
        }
    }
}

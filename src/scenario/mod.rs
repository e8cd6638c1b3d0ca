//! Scenarios: repeatable handoff tests. A YAML file of customer steps and
//! expectations, run by many simulated customers on the app's engine.

pub mod model;
pub mod parse;

pub use model::{Scenario, Step};
pub use parse::{ScenarioError, ScenarioFile, load};
pub mod customer;
mod feed;
pub mod live;
pub mod pace;
pub mod report;
pub mod run;
pub mod sim;

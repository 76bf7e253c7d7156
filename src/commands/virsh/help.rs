//! `help`: the full listing, a group's listing, or a command's page.

use virtsh_commands::virsh::Help;
use virtsh_commands::{find, find_group, help};

use crate::commands::prelude::*;

impl Run for Help {
    fn run(&self, _: &mut Session) -> Result<Outcome, CmdError> {
        let Some(topic) = self.command.as_deref().filter(|c| !c.is_empty()) else {
            return Ok(Outcome::text(help::full_listing()));
        };
        if let Some(def) = find(topic) {
            return Ok(Outcome::text(help::command_page(def)));
        }
        if let Some(group) = find_group(topic) {
            return Ok(Outcome::text(help::group_listing(group)));
        }
        Err(CmdError::message(format!(
            "command or command group '{topic}' doesn't exist"
        )))
    }
}

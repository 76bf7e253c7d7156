//! `net-update`: add, delete or modify one entry of a network's definition.

use virtsh_commands::network::NetUpdate;

use crate::commands::prelude::*;

impl Run for NetUpdate {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let flags = modify_flags(self.current, self.live, self.config)?.unwrap_or_default();
        let conn = s.conn()?;
        let arg = &self.target.network;
        let net = lookup::network(&conn, Self::NAME, arg, By::NAME_UUID)?;
        let command = UpdateCommand::from_name(&self.command).ok_or_else(|| {
            CmdError::message(format!("unrecognized command name '{}'", self.command))
        })? as u32;
        let section = UpdateSection::from_name(&self.section).ok_or_else(|| {
            CmdError::message(format!("unrecognized section name '{}'", self.section))
        })? as u32;
        let parent_index = match &self.parent_index {
            Some(text) => text.trim_start().parse::<i32>().map_err(|_| {
                CmdError::message(format!(
                    "Numeric value '{text}' for <parent-index> option is malformed or out of range"
                ))
            })?,
            None => -1,
        };
        // An argument that starts with '<' is the element itself, else a file holding it.
        let xml = if self.xml.starts_with('<') {
            self.xml.clone()
        } else {
            read_file(std::path::Path::new(&self.xml))?
        };
        let update = NetworkUpdate {
            command,
            section,
            parent_index,
            xml,
            flags: flags.0,
        };
        let nets = conn.networks();
        nets.update_network(&net, &update)
            .map_err(|e| CmdError::failed(format!("Failed to update network {arg}"), e))?;
        let what = if self.config {
            if self.live {
                "persistent config and live state"
            } else {
                "persistent config"
            }
        } else if self.live || nets.network_is_active(&net).unwrap_or(false) {
            "live state"
        } else {
            "persistent config"
        };
        Ok(Outcome::Note(format!("Updated network {arg} {what}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words the command language completes are the ones the vocabulary knows.
    #[test]
    fn completion_words_are_the_vocabulary() {
        use virtsh_commands::network::{UPDATE_COMMANDS, UPDATE_SECTIONS};
        let sections: Vec<&str> = UpdateSection::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(sections, UPDATE_SECTIONS);
        for c in UPDATE_COMMANDS {
            assert!(UpdateCommand::from_name(c).is_some(), "{c}");
        }
        assert_eq!(virtsh_commands::pool::POOL_TYPES, crate::types::POOL_TYPES);
    }
}

//! `net-metadata`: read, set or remove an application's element in a network's `<metadata>`.

use virtsh_commands::network::NetMetadata as NetMetadataCmd;

use crate::commands::prelude::*;

impl Run for NetMetadataCmd {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        refuse(self.edit, "edit")?;
        exclusive(&[
            (self.edit, "edit", self.set.is_some(), "set"),
            (self.edit, "edit", self.remove, "remove"),
            (self.set.is_some(), "set", self.remove, "remove"),
        ])?;
        let flags = modify_flags(self.current, self.live, self.config)?.unwrap_or_default();
        let conn = s.conn()?;
        let net = lookup::network(&conn, Self::NAME, &self.target.network, By::NAME_UUID)?;
        let nets = conn.networks();
        let kind = NetMetadata::Element(&self.uri);
        if self.set.is_some() || self.remove {
            if self.set.is_some() && self.key.is_none() {
                return Err(CmdError::message(
                    "namespace key is required when modifying metadata",
                ));
            }
            let value = self.set.as_deref().filter(|v| !v.is_empty());
            nets.set_network_metadata(&net, kind, value, self.key.as_deref(), flags)?;
            return message(if value.is_some() {
                "Metadata modified"
            } else {
                "Metadata removed"
            });
        }
        let value = match nets.network_metadata(&net, kind, flags) {
            Ok(text) => text,
            Err(e) if e.code == ErrorCode::NoNetworkMetadata => None,
            Err(e) => return Err(e.into()),
        };
        Ok(Outcome::data(NamedText {
            name: "metadata",
            value,
            newline: true,
        }))
    }
}

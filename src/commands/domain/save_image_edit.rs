//! `save-image-edit`: edit the domain XML a save image holds in the user's editor.

use virtsh_commands::domain::SaveImageEdit;

use crate::commands::edit::{edit_xml, Edited, Subject};
use crate::commands::prelude::*;

impl Run for SaveImageEdit {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        // Refused up front, as virsh does: the define would fail on every try of the loop.
        let flags = restore_state(&self.state, true)?;
        let conn = s.conn()?;
        let file = &self.file;
        let xml = conn.domains().save_image_xml(file, XmlFlags::SECURE)?;
        let subject = Subject {
            relax: false,
            xml,
            define: &|x| {
                conn.domains()
                    .define_save_image(file, x, flags)
                    .map(|_| file.clone())
            },
            failure_goes_on: true,
        };
        match edit_xml(s, &subject, false)? {
            Edited::Unchanged => {
                message(format!("Saved image {file} XML configuration not changed."))
            }
            Edited::Defined(_) | Edited::WentOn => message(format!("State file {file} edited.")),
        }
    }
}

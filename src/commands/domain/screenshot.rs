//! `screenshot`: a picture of the domain's screen, saved to a file.

use std::path::Path;

use virtsh_commands::domain::Screenshot;

use crate::commands::prelude::*;

/// virsh's name for an unnamed screenshot: `DOMAIN-YYYY-MM-DD-HH:MM:SS` and the extension of
/// the image's type.
fn generated_name(domain: &str, mime: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let ext = match mime {
        "image/x-portable-pixmap" => ".ppm",
        "image/png" => ".png",
        _ => "",
    };
    format!(
        "{domain}-{}{ext}",
        crate::sys::local_time(now).replace(' ', "-")
    )
}

impl Run for Screenshot {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let (mime, mut picture) = conn
            .domains()
            .screenshot(&dom, self.screen.unwrap_or(0))
            .map_err(|e| {
                CmdError::failed(format!("could not take a screenshot of {}", dom.name), e)
            })?;
        let file = match &self.file {
            Some(f) => f.clone(),
            None => generated_name(&dom.name, &mime),
        };
        // A file this command made is removed when the picture does not arrive.
        let created = !Path::new(&file).exists();
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&file)
            .map_err(|_| CmdError::message(format!("cannot create file {file}")))?;
        if std::io::copy(&mut picture, &mut out).is_err() {
            drop(out);
            if created {
                let _ = std::fs::remove_file(&file);
            }
            return Err(CmdError::message(format!(
                "could not receive data from domain '{}'",
                dom.name
            )));
        }
        // virsh's line has no newline of its own: the command's end gives it one.
        Ok(Outcome::Note(format!(
            "Screenshot saved to {file}, with type of {mime}"
        )))
    }
}

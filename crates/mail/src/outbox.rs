//! The outbox folder: each message an `.eml` file, written under a temporary name and
//! renamed, so a reader never sees half a message. Messages hold names and addresses, so
//! the folder is the owner's alone (0700) and every file in it 0600, whatever the umask.

use std::path::Path;

use crate::{Composed, MailError};

/// Creates `dir` (0700) if missing, and makes it and the messages already in it readable
/// by the owner only (a folder left by an older version or another umask).
pub fn prepare(dir: &Path) -> std::io::Result<()> {
    create_private_dir(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let metadata = entry.metadata()?;
            if metadata.is_file() && metadata.permissions().mode() & 0o777 != 0o600 {
                std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    Ok(())
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        if std::fs::metadata(dir)?.permissions().mode() & 0o777 != 0o700 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let mut file = options.open(path)?;
        // A partial file left by an earlier attempt keeps its old mode: set it.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        file.write_all(bytes)
    }
    #[cfg(not(unix))]
    {
        options.open(path)?.write_all(bytes)
    }
}

/// Writes one message into `dir`.
pub async fn write(dir: &Path, composed: &Composed) -> Result<(), MailError> {
    let name: String = composed
        .message_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let dir = dir.to_path_buf();
    let bytes = composed.bytes();
    tokio::task::spawn_blocking(move || {
        create_private_dir(&dir)
            .map_err(|err| MailError::transient(format!("outbox {}: {err}", dir.display())))?;
        let path = dir.join(format!("{name}.eml"));
        let partial = dir.join(format!(".{name}.eml.partial"));
        write_private(&partial, &bytes)
            .map_err(|err| MailError::transient(format!("outbox write: {err}")))?;
        std::fs::rename(&partial, &path)
            .map_err(|err| MailError::transient(format!("outbox write: {err}")))
    })
    .await
    .map_err(|err| MailError::transient(format!("outbox write: {err}")))?
}

use super::*;

#[test]
fn writes_replace_and_keep_the_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub").join("f.json");
    write_atomic(&path, b"one", 0o600).unwrap();
    write_atomic(&path, b"two", 0o600).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"two");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
    }
    // No temp files left behind.
    assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
}

#[test]
fn backups_never_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accounts.json");
    fs::write(&path, b"first").unwrap();
    let a = copy_to_backup(&path).unwrap();
    fs::write(&path, b"second").unwrap();
    let b = copy_to_backup(&path).unwrap();
    assert_ne!(a, b);
    assert_eq!(fs::read(&a).unwrap(), b"first");
    assert_eq!(fs::read(&b).unwrap(), b"second");
    assert!(a.file_name().unwrap().to_string_lossy().starts_with("accounts.json.corrupt-"));
}

#[test]
fn the_same_content_is_backed_up_once_and_privately() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accounts.json");
    fs::write(&path, b"{broken").unwrap();
    let first = copy_to_backup(&path).unwrap();
    for _ in 0..5 {
        assert_eq!(copy_to_backup(&path).unwrap(), first);
    }
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2, "the file and one backup");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&first).unwrap().permissions().mode() & 0o777, 0o600);
    }
    // A different file already holding the name is never replaced.
    fs::write(&first, b"something else").unwrap();
    let other = copy_to_backup(&path).unwrap();
    assert_ne!(other, first);
    assert_eq!(fs::read(&other).unwrap(), b"{broken");
    assert_eq!(fs::read(&first).unwrap(), b"something else");
}

#[cfg(unix)]
#[test]
fn a_user_file_leaves_its_folder_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let path = dir.path().join("team.json");
    let n = write_user_file(&path, 0o644, |w| -> io::Result<usize> {
        w.write_all(b"[1,")?;
        w.write_all(b"2]")?;
        Ok(2)
    })
    .unwrap();
    assert_eq!((n, fs::read(&path).unwrap()), (2, b"[1,2]".to_vec()));
    assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o644);
    assert_eq!(fs::metadata(dir.path()).unwrap().permissions().mode() & 0o777, 0o755, "a Downloads folder stays 0755");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temp file left");
}

#[test]
fn a_user_file_that_fails_to_fill_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.har");
    let failed = write_user_file(&path, 0o600, |w| -> io::Result<()> {
        w.write_all(b"half")?;
        Err(io::Error::other("the history could not be read"))
    });
    assert!(failed.is_err());
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0, "neither the file nor a temp file");
}

//! glibc's allocator, tuned for a server that should stay small (the server's peak memory is
//! one of `bench/run.sh`'s aims: under 60 MB through the 500-officer race).

use std::time::Duration;

/// Tunes glibc's allocator for a server that should stay small, before any thread starts.
///
/// Each password check takes 7 MiB (argon2, `app::password`), on a thread of the blocking
/// pool. glibc keeps such a block for reuse once it was freed, in that thread's arena, so a
/// server that checked a few passwords at once held hundreds of megabytes for good. Blocks of
/// 1 MiB and more are asked of the system, and given back to it, each time (the cost is one
/// `mmap` per password check or large export, nothing beside their work).
///
/// glibc also gives each thread that allocates an arena of its own, up to eight per core: the
/// runtime's workers, its blocking pool and each SQLite connection's thread, each arena holding
/// on to what it freed. One arena per core keeps the same speed (small blocks come from each
/// thread's cache without a lock) and cut the peak of the 500-officer race from 63 to 54 MB.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let arenas = libc::c_int::try_from(cores).unwrap_or(2);
        // An operator's own `MALLOC_ARENA_MAX` is left as it is.
        let arenas_given = std::env::var_os("MALLOC_ARENA_MAX").is_some();
        // SAFETY: `mallopt` only sets a parameter of the allocator; no other thread runs yet.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
            if !arenas_given {
                libc::mallopt(libc::M_ARENA_MAX, arenas);
            }
        }
    }
}

/// How often [`give_back_freed_memory`] returns what the allocator keeps.
const GIVE_BACK_EVERY: Duration = Duration::from_secs(1);

/// Gives the system back, every [`GIVE_BACK_EVERY`], the memory that the server's requests
/// freed but glibc kept in its arenas for reuse (`malloc_trim`).
///
/// glibc returns a block to the system only when it lies at the very top of an arena: the
/// pages of a burst (64 connections on `/formations`, 500 officers logging in and enrolling
/// at once) stayed mapped once freed, in holes between live blocks. After the race of
/// `bench/run.sh`, the server held 27 MB of anonymous memory where 12.5 MB were in use
/// (`malloc_trim` from a debugger); the next burst then started from that high-water mark.
/// A trim walks each arena's free blocks under its lock and advises the kernel to drop their
/// whole pages: well under a millisecond for this server's heap, and a page taken again
/// later costs one page fault.
pub fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let spawned = std::thread::Builder::new()
            .name("malloc-trim".to_owned())
            .spawn(|| {
                loop {
                    std::thread::sleep(GIVE_BACK_EVERY);
                    // SAFETY: `malloc_trim` takes each arena's lock itself; any thread may call it.
                    unsafe {
                        libc::malloc_trim(0);
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "no thread to give freed memory back to the system");
        }
    }
}

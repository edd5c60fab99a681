"""`vfb probe`, `trim`, `import` and `record`: the footage commands, for a worker's own laptop.

FFmpeg, numpy and the media services are imported inside the commands, so that every other `vfb`
command starts quickly.
"""

from __future__ import annotations

import shutil
import signal
import time
from datetime import datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer
from rich.live import Live
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.text import Text
from sqlmodel import Session

from vfb.cli.common import console, now, open_database, plain_errors
from vfb.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from vfb.capture.recorder import RecorderProgress, StopReason
    from vfb.models import Clip
    from vfb.services.infra.media_worker import MediaJobs


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    raise AssertionError


def probe_command(
    file: Annotated[Path, typer.Argument(help="Any video file")],
) -> None:
    """Print a video file's facts as JSON (duration in ms, size, codecs, frame rate, rotation)."""
    from vfb.capture.probe import probe

    print(probe(file).to_json())


def trim_command(
    source: Annotated[Path, typer.Argument(help="The video to cut from (never changed)")],
    output: Annotated[Path, typer.Argument(help="The new MP4 to write")],
    start: Annotated[str, typer.Option("--from", help="In point, HH:MM:SS.mmm (inclusive)")],
    end: Annotated[str, typer.Option("--to", help="Out point, HH:MM:SS.mmm (exclusive)")],
    fast: Annotated[
        bool, typer.Option("--fast", help="Cut at the keyframe before --from; copies everything")
    ] = False,
) -> None:
    """Cut --from to --to out of a video, frame-accurately (only the ends are re-encoded)."""
    from vfb.capture.timecode import format_timecode, parse_timecode
    from vfb.capture.trim import TrimMode, trim

    from_ms, to_ms = parse_timecode(start), parse_timecode(end)
    mode = TrimMode.fast if fast else TrimMode.exact
    with _progress() as bar:
        task = bar.add_task("Cutting", total=1.0)
        result = trim(
            source,
            output,
            from_ms=from_ms,
            to_ms=to_ms,
            mode=mode,
            progress=lambda f: bar.update(task, completed=f),
        )
    span = f"{format_timecode(result.start_ms)} to {format_timecode(result.end_ms)}"
    console.print(
        f"Wrote {output}: {span} of {source.name} "
        f"({result.duration_ms / 1000:.3f} s, {result.frames} frames, "
        f"{result.reencoded_frames} re-encoded).",
        highlight=False,
    )
    # an exact cut starts with the frame shown at --from, which may begin a little before it
    if mode is TrimMode.fast and result.start_ms != result.from_ms:
        console.print(
            f"Fast cut: it starts at the keyframe at {format_timecode(result.start_ms)}, "
            f"{(result.from_ms - result.start_ms) / 1000:.3f} s before --from.",
            highlight=False,
        )


def _jobs(settings: Settings, engine: Engine) -> MediaJobs:
    from vfb.services.infra.footage_store import store_for
    from vfb.services.infra.media_worker import media_jobs

    store = store_for(settings)
    return media_jobs(
        engine, store, lambda: now(settings), settings, reels=False, idle=timedelta(0)
    )


def _prepare(jobs: MediaJobs, clip_id: str) -> Clip:
    """Make the clip playable and ready for review here and now, showing progress."""
    from vfb.models import Clip

    with Session(jobs.engine) as db, _progress() as bar:
        clip = db.get(Clip, clip_id)
        assert clip is not None
        task = bar.add_task("Preparing the clip", total=1.0)
        jobs.prepare(db, clip)
        bar.update(task, completed=1.0)
        db.refresh(clip)
        return clip


def _say_clip(clip: Clip) -> None:
    from vfb.capture.timecode import format_timecode
    from vfb.services.footage import clips
    from vfb.vocabulary import ClipStatus

    if clip.status is ClipStatus.failed:
        console.print(f"[red]The clip could not be made playable:[/] {clip.detail}")
        raise typer.Exit(code=1)
    if clip.status is ClipStatus.processing:  # the footage store was out of reach: it waits
        console.print(
            f"Clip {clip.id} is saved; it is made playable as soon as the footage store can be "
            "reached (a running vfb serve or vfb worker will do it).",
            highlight=False,
        )
        return
    length = format_timecode(clip.duration_ms or 0)
    console.print(
        f"Clip {clip.id} is ready: {length}, {clip.width}×{clip.height}, SHA-256 {clip.sha256}.",
        highlight=False,
    )
    note = clips.interaction_note(clip.duration_ms)
    if note:
        console.print(f"Note: {note}", highlight=False)


def import_command(
    file: Annotated[Path, typer.Argument(help="A video from a phone, camcorder or laptop")],
    session_id: Annotated[str, typer.Option("--session", help="The session (visit) it shows")],
) -> None:
    """Import a video file as a clip of a session (needs the carer's filming consent)."""
    from vfb.errors import TooLarge
    from vfb.services.footage import clips
    from vfb.services.infra.footage_store import store_for
    from vfb.vocabulary import ClipOrigin

    settings = Settings()
    store = store_for(settings)
    with open_database(settings) as engine, Session(engine) as db:
        jobs = _jobs(settings, engine)
        at = now(settings)
        session, programme = clips.session_for_filming(
            db=db, session_id=session_id, by=None, today=at.date(), doing="import this footage"
        )
        size = file.stat().st_size
        if size > settings.max_upload_mb << 20:
            raise TooLarge(
                f"{file.name} is {_size(size)}, more than the {settings.max_upload_mb} MB vfb "
                "accepts (VFB_MAX_UPLOAD_MB)."
            )
        clip_id, folder = store.new_clip_dir(programme.id)
        received = folder / ".import.part"
        try:
            shutil.copyfile(file, received)
            clip = clips.accept_source(
                db=db,
                store=store,
                session=session,
                programme=programme,
                clip_id=clip_id,
                received=received,
                original_name=file.name,
                origin=ClipOrigin.upload,
                by=None,
                now=at,
                claim_for=jobs.name,
                bounds=clips.bounds_of(settings),
            ).id
        except BaseException:
            store.remove_clip(programme.id, clip_id)
            raise
        _say_clip(_prepare(jobs, clip))


def record_command(
    session_id: Annotated[str, typer.Option("--session", help="The session (visit) to film")],
    device: Annotated[
        str | None, typer.Option(help="Camera device (default: /dev/video0, or the OS default)")
    ] = None,
    max_minutes: Annotated[
        float, typer.Option(min=0.05, max=180, help="Stop by itself after this long")
    ] = 25,
    synthetic: Annotated[
        bool, typer.Option("--synthetic", help="Record a test pattern and tone, not a camera")
    ] = False,
) -> None:
    """Record from the laptop's camera and microphone; Ctrl-C stops and saves.

    Every second is synced to disk as it is recorded, so a crash loses at most a second or two.
    """
    from vfb.capture.recorder import record
    from vfb.capture.sources import DeviceSource, FrameSource, SyntheticSource
    from vfb.capture.timecode import format_timecode
    from vfb.models import RecordingCreate
    from vfb.services.footage import recordings
    from vfb.services.infra.footage_store import store_for

    settings = Settings()
    store = store_for(settings)
    stop = {"asked": False}

    def ask_to_stop(_signal: int, _frame: FrameType | None) -> None:
        stop["asked"] = True

    with open_database(settings) as engine:
        with Session(engine) as db:
            recovered = recordings.recover_idle(
                db=db,
                store=store,
                now=now(settings),
                idle=timedelta(seconds=settings.recording_idle_seconds),
            )
            for found in recovered:
                console.print(f"Recovered an interrupted recording as clip {found.id}.")
            rec = recordings.start_recording(
                db=db,
                store=store,
                session_id=session_id,
                data=RecordingCreate(mime_type="video/mp4"),
                by=None,
                now=now(settings),
            )
        recording_id = rec.id
        path = store.chunks_file(_programme_of(engine, rec.session_id), recording_id)
        source: FrameSource = SyntheticSource() if synthetic else DeviceSource(device)
        previous = signal.signal(signal.SIGINT, ask_to_stop)
        beat = [0.0]

        def show(progress: RecorderProgress, live: Live) -> None:
            live.update(
                Text(
                    f"● REC {format_timecode(progress.elapsed_ms)[:8]}   "
                    f"{_size(progress.bytes_written)} recorded   "
                    f"{_size(progress.free_bytes)} free   (Ctrl-C stops and saves)",
                    style="bold red",
                )
            )
            if time.monotonic() - beat[0] >= 2:
                beat[0] = time.monotonic()
                with Session(engine) as db:
                    recordings.touch(
                        db=db,
                        recording_id=recording_id,
                        size=progress.bytes_written,
                        now=now(settings),
                    )

        try:
            with Live(Text("Starting the camera…"), console=console, transient=True) as live:
                result = record(
                    source,
                    path.parent,
                    path=path,
                    max_seconds=max_minutes * 60,
                    should_stop=lambda: stop["asked"],
                    min_free_bytes=settings.min_free_mb << 20,
                    on_progress=lambda p: show(p, live),
                    on_started=lambda _: console.print("Recording started.", highlight=False),
                )
        finally:
            signal.signal(signal.SIGINT, previous)
        console.print(_stop_words(result.stop_reason, result.elapsed_ms), highlight=False)
        with Session(engine) as db:
            jobs = _jobs(settings, engine)
            clip_id = recordings.finish_from_command_line(
                db=db,
                store=store,
                recording_id=recording_id,
                now=now(settings),
                claim_for=jobs.name,
            ).id
        _say_clip(_prepare(jobs, clip_id))


def _programme_of(engine: Engine, session_id: str) -> str:
    from vfb.models import ProgrammeSession

    with Session(engine) as db:
        session = db.get(ProgrammeSession, session_id)
        assert session is not None
        return session.programme_id


def _stop_words(reason: StopReason, elapsed_ms: int) -> str:
    from vfb.capture.recorder import StopReason
    from vfb.capture.timecode import format_timecode

    length = format_timecode(elapsed_ms)[:8]
    return {
        StopReason.asked: f"Stopped after {length}; saving the clip.",
        StopReason.time_limit: f"Stopped at the {length} limit (--max-minutes); saving the clip.",
        StopReason.disk_full: (
            f"The disk is (nearly) full, so recording stopped after {length}. Everything recorded "
            "so far is kept and saved as a clip; free some space before filming again."
        ),
        StopReason.source_ended: f"The camera stopped sending after {length}; saving the clip.",
    }[reason]


def worker_command() -> None:
    """Make clips playable and reels, as they are asked for, until stopped (Ctrl-C or SIGTERM).

    For a team server: run one or more beside `vfb serve` (with VFB_SERVE_MEDIA_JOBS=false), on
    the same database and footage store; each runs VFB_MEDIA_JOBS jobs at once, and they share
    the work through the database. A job a stopped or crashed worker left is taken up by another.
    """
    import threading

    from vfb.services.infra.footage_store import store_for
    from vfb.services.infra.media_worker import media_jobs
    from vfb.services.protection.audit_trail import Actor, set_default_actor

    settings = Settings()
    stopping = threading.Event()

    def ask_to_stop(_signal: int, _frame: FrameType | None) -> None:
        stopping.set()

    set_default_actor(Actor.system())
    with open_database(settings) as engine:
        jobs = media_jobs(engine, store_for(settings), lambda: now(settings), settings)
        previous = [signal.signal(s, ask_to_stop) for s in (signal.SIGINT, signal.SIGTERM)]
        if (problem := jobs.store.unreachable()) is not None:
            console.print(f"[yellow]{problem}[/]", highlight=False)
        jobs.start()
        console.print(
            f"vfb worker {jobs.name} is taking media jobs, {jobs.workers} at once (Ctrl-C stops)",
            highlight=False,
        )
        try:
            while not stopping.wait(1.0):
                pass
        finally:
            console.print("Stopping: a job under way is taken up again by the next worker.")
            jobs.stop()
            signal.signal(signal.SIGINT, previous[0])
            signal.signal(signal.SIGTERM, previous[1])


def register(app: typer.Typer) -> None:
    for name, command in (
        ("probe", probe_command),
        ("trim", trim_command),
        ("import", import_command),
        ("record", record_command),
        ("worker", worker_command),
    ):
        app.command(name)(plain_errors(command))


def seed_demo_clip(settings: Settings, engine: Engine) -> str | None:
    """Film for the demo's active programme: half a minute of FFmpeg's test pattern and a tone,
    imported as a clip of its latest held visit, so the clip pages have something to show."""
    from sqlmodel import col, select

    from vfb.capture.ffmpeg import run_ffmpeg
    from vfb.models import Programme, ProgrammeSession
    from vfb.services.footage import clips
    from vfb.vocabulary import ClipOrigin, ProgrammeStatus, SessionStatus

    jobs = _jobs(settings, engine)
    with Session(engine) as db:
        found = db.exec(
            select(ProgrammeSession.id, Programme.id)
            .join(Programme, col(Programme.id) == ProgrammeSession.programme_id)
            .where(
                Programme.status == ProgrammeStatus.active,
                ProgrammeSession.status == SessionStatus.held,
            )
            .order_by(col(ProgrammeSession.held_on).desc())
        ).first()
    if found is None:
        return None
    session_id, programme_id = found
    clip_id, folder = jobs.store.new_clip_dir(programme_id)
    received = folder / ".demo.mp4"
    pattern = "testsrc2=size=640x360:rate=30:duration=30"
    tone = "sine=frequency=330:sample_rate=48000:duration=30"
    # made before the database is touched again: no transaction is held open while FFmpeg runs
    run_ffmpeg(
        ["-f", "lavfi", "-i", pattern, "-f", "lavfi", "-i", tone, "-c:v", "libx264",
         "-preset", "veryfast", "-g", "60", "-c:a", "aac", "-y", str(received)],
        what="make the demo film",
    )  # fmt: skip
    with Session(engine) as db:
        session = db.get(ProgrammeSession, session_id)
        programme = db.get(Programme, programme_id)
        assert session is not None and programme is not None
        clip = clips.accept_source(
            db=db,
            store=jobs.store,
            session=session,
            programme=programme,
            clip_id=clip_id,
            received=received,
            original_name="demo-test-pattern.mp4",
            origin=ClipOrigin.upload,
            by=None,
            now=now(settings),
            claim_for=jobs.name,
        )
        clip_id = clip.id
    _prepare(jobs, clip_id)
    _seed_demo_moments(engine, clip_id, now(settings))
    return clip_id


DEMO_MOMENTS = [  # start, end, category, private note, shared, caption
    (3000, 3000, "sensitivity", "Noticed he wanted the red block", True,
     "You waited until he looked at you"),
    (8000, 14000, "communication", "Named his feeling, then paused", True,
     "You put his feeling into words"),
    (21000, 21000, "strengths", "Calm voice after the tower fell", False, ""),
]  # fmt: skip


def _seed_demo_moments(engine: Engine, clip_id: str, at: datetime) -> None:
    """A few moments on the demo film, two shared with the carer, so review has something."""
    from vfb.models import Moment

    with Session(engine) as db:
        for start, end, category, note, shared, caption in DEMO_MOMENTS:
            db.add(
                Moment(
                    clip_id=clip_id, start_ms=start, end_ms=end, category=category, note=note,
                    share_with_carer=shared, caption=caption, created_at=at, updated_at=at,
                )
            )  # fmt: skip
        db.commit()

"""Loads libSwiftEBSD.so (the C ABI of include/swiftebsd.h) with ctypes and turns its statuses into Python exceptions.

The library is the one bundled in this package (`_lib/`, with the Swift runtime it links, which is loaded first from
the same folder so that no Swift toolchain is needed), or the folder $SWIFTEBSD_LIBRARY_DIR names.
"""
import ctypes
import os
import signal
import threading
from pathlib import Path

EXPECTED_ABI = 1
MESSAGE_BYTES = 4096
OK, BAD_ARGUMENT, CANCELLED, FAILED = 0, 1, 2, 3

c_char_p, c_void_p, c_int32, c_int64, c_double = ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int32, ctypes.c_int64, ctypes.c_double
P = ctypes.POINTER
PROGRESS = ctypes.CFUNCTYPE(c_int32, c_char_p, c_int64, c_int64, c_void_p)


class SwiftEBSDError(RuntimeError):
    """The library could not do the work (unreadable file, impossible geometry ...): its one-line message."""


def library_folder():
    return Path(os.environ.get("SWIFTEBSD_LIBRARY_DIR") or Path(__file__).resolve().parent / "_lib")


def _load():
    folder = library_folder()
    main = folder / "libSwiftEBSD.so"
    if not main.is_file():
        raise ImportError(f"swiftebsd: {main} is missing (a broken install: reinstall the wheel, or set SWIFTEBSD_LIBRARY_DIR)")
    # the bundled Swift runtime first, by absolute path: libSwiftEBSD.so then binds to these (same sonames), never to a
    # toolchain elsewhere on the machine; each runtime library finds its siblings through its own $ORIGIN run path
    for lib in sorted(folder.glob("lib*.so*")):
        if lib.name != main.name:
            ctypes.CDLL(str(lib), mode=ctypes.RTLD_GLOBAL)
    lib = ctypes.CDLL(str(main))
    msg = [c_char_p, c_int64]
    signatures = {
        "ebsd_abi_version": (c_int32, []),
        "ebsd_free": (None, [c_void_p]),
        "ebsd_run_steps": (c_int32, [c_char_p, c_char_p, c_void_p, c_int32, c_int64, c_int64, c_int64, c_int64, c_int64, c_double,
                                     P(c_double), c_int64, c_void_p, c_char_p, PROGRESS, c_void_p, P(c_void_p), P(c_void_p)] + msg),
        "ebsd_run_pipeline": (c_int32, [c_char_p, c_char_p, c_int32, PROGRESS, c_void_p, P(c_void_p)] + msg),
        "ebsd_map_create": (c_int32, [c_int64, c_int64, c_double, c_double, c_char_p, P(c_double), P(c_int32), P(c_void_p)] + msg),
        "ebsd_map_set_property": (c_int32, [c_void_p, c_char_p, P(ctypes.c_float), P(c_void_p)] + msg),
        "ebsd_map_load": (c_int32, [c_char_p, c_char_p, P(c_void_p)] + msg),
        "ebsd_map_save": (c_int32, [c_void_p, c_char_p] + msg),
        "ebsd_map_free": (None, [c_void_p]),
        "ebsd_map_info": (c_int32, [c_void_p, P(c_int64), P(c_int64), P(c_double), P(c_double), P(c_int32)] + msg),
        "ebsd_map_phase": (c_int32, [c_void_p, c_int32, c_char_p, c_int64, P(c_int32)] + msg),
        "ebsd_map_orientations": (c_int32, [c_void_p, P(c_double), P(c_int32)] + msg),
        "ebsd_map_property_names": (c_int32, [c_void_p, c_char_p, c_int64] + msg),
        "ebsd_map_property": (c_int32, [c_void_p, c_char_p, P(ctypes.c_float)] + msg),
        "ebsd_grains": (c_int32, [c_void_p, c_char_p, P(c_void_p)] + msg),
        "ebsd_ipf_colors": (c_int32, [c_void_p, c_double, c_double, c_double, ctypes.c_uint8, P(ctypes.c_uint8)] + msg),
        "ebsd_pole_figure": (c_int32, [c_void_p, c_int32, c_char_p, c_char_p] + msg),
        "ebsd_stack_open": (c_int32, [c_char_p, c_char_p, c_int64, c_int64, P(c_void_p)] + msg),
        "ebsd_stack_info": (c_int32, [c_void_p, P(c_int64), P(c_int64), P(c_int64), P(c_int64), P(c_int64), P(c_double),
                                      P(c_double), P(c_double), P(c_double)] + msg),
        "ebsd_stack_read": (c_int32, [c_void_p, c_int64, c_int64, P(ctypes.c_float)] + msg),
        "ebsd_stack_free": (None, [c_void_p]),
    }
    for name, (restype, argtypes) in signatures.items():
        f = getattr(lib, name)
        f.restype, f.argtypes = restype, argtypes
    version = lib.ebsd_abi_version()
    if version != EXPECTED_ABI:
        raise ImportError(f"swiftebsd: {main} implements ABI {version}, this package expects {EXPECTED_ABI}")
    return lib


lib = _load()


def call(function, *args):
    """Calls a C entry point with a message buffer; raises ValueError (bad argument), KeyboardInterrupt (cancelled)
    or SwiftEBSDError (failed) with the library's message."""
    message = ctypes.create_string_buffer(MESSAGE_BYTES)
    status = function(*args, message, MESSAGE_BYTES)
    if status == OK:
        return
    text = message.value.decode("utf-8", "replace")
    if status == BAD_ARGUMENT:
        raise ValueError(text)
    if status == CANCELLED:
        raise KeyboardInterrupt(text)
    raise SwiftEBSDError(text)


def take_text(pointer):
    """Text the library allocated (char*), freed after copying."""
    if not pointer:
        return ""
    try:
        return ctypes.string_at(pointer).decode("utf-8")
    finally:
        lib.ebsd_free(pointer)


class Progress:
    """A tqdm bar per stage label (as kikuchipy shows), fed by the library's progress callback; Ctrl-C while the Swift
    work runs (in a worker thread) sets a flag the callback returns, and the library stops at its next chunk."""

    def __init__(self, show):
        self.show = show
        self.stop = threading.Event()
        self.bars = {}
        self.lock = threading.Lock()
        self.callback = PROGRESS(self._report)

    def _report(self, label, done, total, _context):
        if self.show:
            name = label.decode("utf-8", "replace") if label else ""
            with self.lock:
                bar = self.bars.get(name)
                if bar is None:
                    from tqdm.auto import tqdm
                    bar = self.bars[name] = tqdm(total=total, desc=name, unit="pat", leave=True)
                bar.total = total
                bar.update(max(0, done - bar.n))
        return 1 if self.stop.is_set() else 0

    def close(self):
        for bar in self.bars.values():
            bar.close()

    def run(self, function, *args):
        """Runs `call(function, *args)` in a worker thread; Ctrl-C in the main thread asks the library to stop and
        re-raises KeyboardInterrupt once it has."""
        outcome = {}
        done = threading.Event()  # not Thread.join: a join interrupted by Ctrl-C can report a live thread as finished

        def work():
            try:
                call(function, *args)
            except BaseException as e:  # noqa: BLE001 - handed back to the caller's thread
                outcome["error"] = e
            finally:
                done.set()

        threading.Thread(target=work, name="swiftebsd", daemon=True).start()
        interrupted = False
        while not done.is_set():
            try:
                done.wait(0.05)
            except KeyboardInterrupt:
                interrupted = True  # ask the library to stop, then wait until it has (its arrays are ours until then)
                self.stop.set()
        self.close()
        if interrupted:
            raise KeyboardInterrupt("swiftebsd: stopped by the user; nothing was returned")
        if "error" in outcome:
            raise outcome["error"]


def interrupt_main_soon(seconds):
    """Test helper: delivers SIGINT to this process after `seconds` (as Ctrl-C would)."""
    timer = threading.Timer(seconds, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.daemon = True
    timer.start()
    return timer

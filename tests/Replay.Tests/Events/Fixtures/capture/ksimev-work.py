import ctypes, os, signal, socket, time
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(15, b"ksimev", 0, 0, 0)  # PR_SET_NAME
path = "/var/tmp/ksimev-file"
fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
os.write(fd, b"x" * 100)
os.pwrite(fd, b"y" * 8192, 65536)
os.fsync(fd)
os.fdatasync(fd)
os.lseek(fd, 0, 0)
os.read(fd, 100)
os.pread(fd, 4096, 65536)
try:
    os.write(12345, b"z")
except OSError:
    pass
try:
    os.open("/nonexistent/ksimev", os.O_RDONLY)
except OSError:
    pass
# bad buffer -> EFAULT from write
libc.write(fd, ctypes.c_void_p(1), 10)
os.close(fd)
os.unlink(path)
# signals
def h(s, f): pass
signal.signal(signal.SIGUSR1, h)
os.kill(os.getpid(), signal.SIGUSR1)           # delivered
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR2])
signal.signal(signal.SIGUSR2, h)
os.kill(os.getpid(), signal.SIGUSR2)           # delivered (pending)
os.kill(os.getpid(), signal.SIGUSR2)           # already pending
signal.signal(signal.SIGWINCH, signal.SIG_DFL)
os.kill(os.getpid(), signal.SIGWINCH)          # ignored
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGUSR2])
# overflow/lose_info need RLIMIT_SIGPENDING=0 and rt_sigqueueinfo
import resource
pid = os.fork()
if pid == 0:
    libc.prctl(15, b"ksimev-child", 0, 0, 0)
    resource.setrlimit(resource.RLIMIT_SIGPENDING, (0, 0))
    signal.pthread_sigmask(signal.SIG_BLOCK, [34, signal.SIGUSR1])
    class SI(ctypes.Structure):
        _fields_ = [("signo", ctypes.c_int), ("errno", ctypes.c_int), ("code", ctypes.c_int), ("pad", ctypes.c_int), ("pid", ctypes.c_int), ("uid", ctypes.c_int), ("rest", ctypes.c_char * 104)]
    for sig in (34, signal.SIGUSR1):
        si = SI(); si.signo = sig; si.code = -1; si.pid = os.getpid(); si.uid = 0
        r = libc.syscall(129, os.getpid(), sig, ctypes.byref(si))  # rt_sigqueueinfo
    os._exit(3)
os.waitpid(pid, 0)
pid = os.fork()
if pid == 0:
    time.sleep(10)
    os._exit(0)
time.sleep(0.05)
os.kill(pid, signal.SIGTERM)
os.waitpid(pid, 0)
# UDP on loopback
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(5):
    c.sendto(b"ksimev%d" % i, s.getsockname()); s.recv(100)

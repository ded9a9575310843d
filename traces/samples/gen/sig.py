import os, signal, time, ctypes, resource
libc = ctypes.CDLL("libc.so.6", use_errno=True)
SYS_tgkill = 234
RT0 = signal.SIGRTMIN
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r)
    for s in (signal.SIGUSR1, RT0, RT0 + 1):
        signal.signal(s, lambda n, f: None)
    signal.signal(signal.SIGUSR2, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1, RT0, RT0 + 1})
    resource.setrlimit(resource.RLIMIT_SIGPENDING, (2, 2))
    os.write(w, b"r")
    time.sleep(0.3)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1, RT0, RT0 + 1})
    time.sleep(0.05)
    os._exit(0)
os.close(w)
os.read(r, 1)
os.kill(pid, signal.SIGUSR2)            # ignored (SIG_IGN)           -> res=1
os.kill(pid, signal.SIGUSR1)            # blocked, queued             -> res=0
os.kill(pid, signal.SIGUSR1)            # already pending             -> res=2
libc.syscall(SYS_tgkill, pid, pid, signal.SIGUSR1)   # thread-directed, pending -> grp=0 res=2
for v in range(4):                      # sigqueue: SI_QUEUE rt signal over RLIMIT_SIGPENDING -> res=3 (EAGAIN)
    rc = libc.sigqueue(pid, RT0, ctypes.c_void_p(v))
for v in range(2):                      # kill() rt signal over the limit -> res=4 (info lost, still pending)
    os.kill(pid, RT0 + 1)
os.waitpid(pid, 0)                      # child exit: SIGCHLD to us, default action ignore -> res=1
# fatal signal: delivered, then seen in signal_deliver as SIGKILL (group exit)
pid2 = os.fork()
if pid2 == 0:
    time.sleep(5)
    os._exit(0)
time.sleep(0.05)
os.kill(pid2, signal.SIGTERM)
os.waitpid(pid2, 0)

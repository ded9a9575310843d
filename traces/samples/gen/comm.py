import os, signal, time
names = ["my worker-1/x", "a-b-42", "trailing ", "exactly15chars_", "w [1] x:y", "ünï"]
fd = os.open("/var/tmp/ksim-samples/comm.bin", os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o644)
for n in names:
    pid = os.fork()
    if pid == 0:
        with open("/proc/self/comm", "wb") as f:
            f.write(n.encode())
        signal.signal(signal.SIGUSR1, lambda s, fr: None)
        os.write(fd, b"hello\n")
        os.kill(os.getpid(), signal.SIGUSR1)
        time.sleep(0.01)
        os._exit(0)
    os.waitpid(pid, 0)
os.fsync(fd)
os.close(fd)
os.unlink("/var/tmp/ksim-samples/comm.bin")

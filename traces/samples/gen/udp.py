import socket, sys, time, os
role = sys.argv[1]
if role == "server":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("10.199.0.1", 7777))
    s.settimeout(3)
    try:
        while True:
            d, a = s.recvfrom(2048)
            if d == b"quit": break
            s.sendto(d, a)
    except socket.timeout:
        pass
else:
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.settimeout(1)
    for i in range(5):
        c.sendto(b"x" * 64, ("10.199.0.1", 7777)); c.recvfrom(2048)
        time.sleep(0.01)
    # sendmsg/recvmsg variants
    c.sendmsg([b"y" * 64], [], 0, ("10.199.0.1", 7777)); c.recvmsg(2048)
    # closed port -> kfree_skb (no socket) + ICMP
    c.sendto(b"z", ("10.199.0.1", 9))
    time.sleep(0.05)
    c.sendto(b"quit", ("10.199.0.1", 7777))

import net from 'node:net';

export interface Balancer {
  url: string;
  close(): Promise<void>;
}

/**
 * What an operator puts in front of the API processes (a load balancer with health checks), as small
 * as it can be: each new connection goes to the next process that accepts one. A request in flight
 * on a process that dies fails, as it would behind any balancer; the client asks again.
 */
export async function startBalancer(ports: number[]): Promise<Balancer> {
  let next = 0;
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const connect = (client: net.Socket, tried: number) => {
    if (tried >= ports.length) return void client.destroy();
    const port = ports[next++ % ports.length]!;
    const upstream = net.connect(port, '127.0.0.1');
    upstream.once('error', () => {
      // Refused before anything was sent: the process is down, try the next.
      if (!upstream.bytesWritten) connect(client, tried + 1);
    });
    upstream.once('connect', () => {
      track(upstream);
      client.pipe(upstream).pipe(client);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
      client.resume();
    });
  };
  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    track(client);
    connect(client, 0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

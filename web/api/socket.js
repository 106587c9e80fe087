// @ts-check
/** One WebSocket per tab, reconnected with backoff and full jitter (docs/protocol.md). */

/** Delay before reconnect attempt `n` (0-based): random in [0, min(30 s, 0.5 s × 2^n)]. */
export function backoff(/** @type {number} */ attempt, random = Math.random) {
  return random() * Math.min(30_000, 500 * 2 ** attempt);
}

/** The socket of this tab, for views that show its state (the connection banner). @type {Socket | null} */
export let current = null;

export class Socket {
  /**
   * @param {(frame: any) => void} onFrame every frame
   * @param {(state: 'connecting' | 'open' | 'closed') => void} onState
   * @param {() => void} onOpen after hello: the time to catch up
   */
  constructor(onFrame, onState, onOpen) {
    this.onFrame = onFrame;
    this.onState = onState;
    this.onOpen = onOpen;
    /** @type {WebSocket | null} */
    this.ws = null;
    this.attempt = 0;
    this.heartbeat = 30_000;
    this.stopped = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    this.lastFrame = 0;
    /** When the next reconnect attempt is due (ms since the epoch), or 0 when none is scheduled. */
    this.nextRetryAt = 0;
    current = this;
  }

  connect() {
    this.stopped = false;
    this.nextRetryAt = 0;
    this.onState('connecting');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/api/v1/ws`);
    this.ws = ws;
    const openedAt = Date.now();
    ws.onmessage = (e) => {
      this.lastFrame = Date.now();
      const frame = JSON.parse(e.data);
      if (frame.type === 'hello') {
        this.heartbeat = frame.heartbeat_s * 1000;
        this.onState('open');
        this.tick();
        this.onOpen();
      }
      this.onFrame(frame);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      clearTimeout(this.timer);
      this.onState('closed');
      if (this.stopped || e.code === 4001) return;
      if (Date.now() - openedAt > 60_000) this.attempt = 0;
      const wait = backoff(this.attempt++);
      this.nextRetryAt = Date.now() + wait;
      this.timer = setTimeout(() => this.connect(), wait);
    };
  }

  /** Pings every heartbeat; a connection silent for two is treated as dead. */
  tick() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
      if (Date.now() - this.lastFrame > 2 * this.heartbeat) {
        this.ws.close();
        return;
      }
      this.send({ type: 'ping' });
      this.tick();
    }, this.heartbeat);
  }

  /** @param {object} frame */
  send(frame) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  /** Connects at once instead of waiting for the next attempt. */
  reconnectNow() {
    if (this.ws && (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)) return;
    clearTimeout(this.timer);
    this.connect();
  }

  /** Drops the connection as a network cut would; it reconnects by itself. */
  drop() {
    this.ws?.close();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.close();
  }
}

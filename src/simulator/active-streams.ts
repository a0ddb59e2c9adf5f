// Streams that are still writing (or stalling). Stopping the simulator must end them, or a
// stalled stream's five-minute timer would keep the process alive.
export class ActiveStreams {
  private readonly cancels = new Set<() => void>();

  /** Registers a running stream; call the returned function once it has ended. */
  open(cancel: () => void): () => void {
    this.cancels.add(cancel);
    return () => this.cancels.delete(cancel);
  }

  get count(): number {
    return this.cancels.size;
  }

  cancelAll(): void {
    for (const cancel of [...this.cancels]) cancel();
    this.cancels.clear();
  }
}

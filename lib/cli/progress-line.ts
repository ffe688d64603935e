/** A one-line progress bar on stderr, drawn only when stderr is a terminal (never in pipes or CI logs). */
export class ProgressLine {
  private readonly enabled: boolean;
  private lastDrawn = 0;

  constructor(
    private readonly totalBytes: number,
    stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = Boolean(stream.isTTY) && totalBytes > 0;
  }

  update(doneBytes: number): void {
    const now = Date.now();
    if (!this.enabled || now - this.lastDrawn < 100) return;
    this.lastDrawn = now;
    const fraction = Math.min(1, doneBytes / this.totalBytes);
    const width = 30;
    const filled = Math.round(fraction * width);
    process.stderr.write(
      `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% of ${(this.totalBytes / 1e6).toFixed(1)} MB`,
    );
  }

  done(): void {
    if (this.enabled) process.stderr.write("\r\u001b[2K");
  }
}

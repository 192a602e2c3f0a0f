/* global AudioWorkletProcessor, registerProcessor */
// Stethoscope capture, in the audio rendering thread: copies the first input channel to the page
// untouched, in blocks of BLOCK_FRAMES frames. Plain JavaScript served beside index.html, so it
// loads as a same-origin module under the CSP's script-src 'self' (no blob: or data: needed).
const BLOCK_FRAMES = 4096;

class PcmCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.block = new Float32Array(BLOCK_FRAMES);
    this.filled = 0;
    this.port.onmessage = (event) => {
      if (event.data !== 'flush') return;
      if (this.filled > 0) this.send(this.block.slice(0, this.filled));
      this.filled = 0;
      this.port.postMessage('flushed');
    };
  }

  send(samples) {
    this.port.postMessage(samples, [samples.buffer]);
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) {
      for (let i = 0; i < channel.length; i++) {
        this.block[this.filled++] = channel[i];
        if (this.filled === BLOCK_FRAMES) {
          this.send(this.block);
          this.block = new Float32Array(BLOCK_FRAMES);
          this.filled = 0;
        }
      }
    }
    return true;
  }
}

registerProcessor('pcm-capture', PcmCapture);

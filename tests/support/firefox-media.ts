/**
 * Fake media devices for headless Firefox.
 *
 * Probed (scripts/firefox-media-probe.ts) on Firefox ESR 153.8 headless, driven by puppeteer-core over WebDriver
 * BiDi, with the two prefs below: getUserMedia({ audio: true, video: true }) resolves at once with no prompt, giving
 * "Default Audio Device" (mono, a tone) and "Default Video Device" (640x480 at 30 fps), both live; an
 * RTCPeerConnection loopback in the same page connects with no ICE servers and receives both tracks: audio
 * packetsReceived, totalSamplesReceived and totalAudioEnergy grow (about 50 packets a second), video framesDecoded
 * grows (about 30 a second). The same getUserMedia in an extension page opened by the extension as a popup window
 * (browser.windows.create, as a call window is) also resolves with both fake tracks live. Only ESR 153 is installed
 * here, so ESR 140 was not run; both prefs are as old as Firefox's fake devices (Mozilla's own WebRTC tests set
 * them) and nothing here depends on a version.
 */
export const FIREFOX_FAKE_MEDIA_PREFS: Readonly<Record<string, boolean>> = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
};

/** What the probe page found; `error` says what failed first. */
export interface FakeMediaReport {
  readonly tracks?: readonly { kind: string; label: string; readyState: string }[];
  readonly connectionState?: string;
  /** The receiving end of the loopback, sampled twice a second. */
  readonly received?: readonly {
    audioPackets?: number;
    audioSamples?: number;
    audioEnergy?: number;
    videoFrames?: number;
  }[];
  readonly error?: string;
}

/**
 * A page (plain script, no eval: an extension's CSP would block Function()) that asks for a camera and a
 * microphone, sends both over an RTCPeerConnection to itself and samples what arrives. Serve it from 127.0.0.1 (a
 * secure context, which getUserMedia requires) and call `probeFakeMedia()`.
 */
export const FAKE_MEDIA_PROBE_PAGE = `<!doctype html><meta charset="utf-8"><title>fake media probe</title><script>
window.probeFakeMedia = async () => {
  const report = {};
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    report.tracks = stream.getTracks().map((t) => ({ kind: t.kind, label: t.label, readyState: t.readyState }));
    const sender = new RTCPeerConnection({ iceServers: [] });
    const receiver = new RTCPeerConnection({ iceServers: [] });
    sender.onicecandidate = (e) => e.candidate && receiver.addIceCandidate(e.candidate);
    receiver.onicecandidate = (e) => e.candidate && sender.addIceCandidate(e.candidate);
    for (const track of stream.getTracks()) sender.addTrack(track, stream);
    await sender.setLocalDescription();
    await receiver.setRemoteDescription(sender.localDescription);
    await receiver.setLocalDescription();
    await sender.setRemoteDescription(receiver.localDescription);
    report.received = [];
    for (let sample = 0; sample < 6; sample++) {
      await new Promise((done) => setTimeout(done, 500));
      const row = {};
      (await receiver.getStats()).forEach((stat) => {
        if (stat.type !== 'inbound-rtp') return;
        if (stat.kind === 'audio')
          Object.assign(row, { audioPackets: stat.packetsReceived, audioSamples: stat.totalSamplesReceived,
            audioEnergy: stat.totalAudioEnergy });
        else row.videoFrames = stat.framesDecoded;
      });
      report.received.push(row);
    }
    report.connectionState = receiver.connectionState;
    sender.close();
    receiver.close();
    for (const track of stream.getTracks()) track.stop();
  } catch (error) {
    report.error = String(error);
  }
  return report;
};
</script>`;

// The recorder (route #/record): start a recording or reopen one; #/record/ID is one
// recording under way — commands run for real, each becomes a step to edit, then it is
// saved as runbook 1.0.0.
import { RecordingSession } from './recording-session.js';
import { StartRecording } from './start-recording.js';

export function RecorderView({ draftId }: { draftId?: string }) {
  return draftId ? <RecordingSession draftId={draftId} /> : <StartRecording />;
}

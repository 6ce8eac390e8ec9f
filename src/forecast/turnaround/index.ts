export { fitTurnaround, type FitTurnaroundOptions } from './fit-turnaround.js';
export { predictTurnaround, rawTurnaround } from './predict-turnaround.js';
export { featureVector, turnaroundCell, type TurnaroundArtifact } from './turnaround-artifact.js';

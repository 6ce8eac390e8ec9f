export { LANDMARK_SOURCES, loadLandmarkRows, type LandmarkQuery, type LandmarkSource, type LoadedLandmarks, type TrainingRow } from './landmark-source.js';

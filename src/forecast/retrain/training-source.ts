/** Which history a training learns from: the real batches, or the twin's (`v2v simulate history`). */
export const TRAINING_SOURCES = ['real', 'simulated'] as const;
export type TrainingSource = (typeof TRAINING_SOURCES)[number];

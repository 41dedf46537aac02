/**
 * What each key of a pipeline YAML means, with its unit, for editor tooltips (the JSON Schema's
 * `description`; defaults come from the schemas and the stages' option constants, not from this
 * text). Keyed by the dotted YAML path. The schema test checks that every key of the zod schema
 * has an entry here and that no entry names a key that does not exist, so this table cannot
 * drift from `pipelineSchema`.
 */
export const PIPELINE_KEY_DESCRIPTIONS: Readonly<Record<string, string>> = {
  '': 'A lidtrack pipeline: the configuration of a `lidtrack track` run (every command-line flag exists here as a snake_case key). Run it with `lidtrack run FILE.yaml`.',
  description: 'Free text: what this pipeline is for (not used by the analysis).',
  track: 'The `track` run. Relative paths (input, timestamps, current) are relative to this file; `out` is relative to the directory lidtrack runs in.',
  'track.input': 'Recording: a video file (MP4/AVI/MKV/MOV), a multi-page TIFF, or an image-sequence folder or pattern (frames/img_%04d.png, frames/*.tif). Relative to this file.',
  'track.um_per_px': 'Scale of the recording [µm/px], > 0.',
  'track.plating_edge': 'Image edge (top|bottom|left|right) of the plating (negative) electrode while the current is positive: dendrites grow away from it.',
  'track.out': 'Results folder, relative to the directory lidtrack runs in; `--out DIR` overrides it. An existing results folder is only overwritten with force: true.',
  'track.roi': 'Analyse only this rectangle of the frame [px]: {x, y, width, height}; must lie inside the frame.',
  'track.roi.x': 'Left column of the rectangle [px], 0 = first column.',
  'track.roi.y': 'Top row of the rectangle [px], 0 = first row.',
  'track.roi.width': 'Width of the rectangle [px], > 0.',
  'track.roi.height': 'Height of the rectangle [px], > 0.',
  'track.timestamps': 'CSV with header frame,t_s: the acquisition time [s] of every frame (0-based frame numbers). For TIFF stacks and image sequences, which carry no times. Relative to this file.',
  'track.fps': 'Constant frame rate [frames/s], only for inputs with no timestamps of their own and no timestamps CSV.',
  'track.current': 'Potentiostat log CSV with columns t_s,current_mA on the video clock. Relative to this file.',
  'track.force': 'Overwrite results already in `out`.',
  'track.report': 'Write figures and report.html after the tables.',
  'track.visuals': 'Key-frame panels and kymographs: a second pass over the recording; needs report.',
  'track.overlay_video': 'Annotated H.264 overlay video of the whole run; needs report and visuals.',
  'track.max_frames': 'Stop after this many frames (whole number > 0); without it, the whole recording is analysed.',
  'track.reference_frames': 'Number of first frames whose median is the reference (pristine) image, 1–51.',
  'track.segment': 'Segmentation settings; leave out a key for its default.',
  'track.segment.high_sigma': 'Seed threshold of the hysteresis segmentation, in units of the noise σ of the blurred darkening.',
  'track.segment.low_sigma': 'Region threshold of the hysteresis segmentation, in units of σ.',
  'track.segment.min_area_px': 'Dark regions smaller than this are ignored [px²].',
  'track.segment.blur_size_px': 'Gaussian blur kernel size [px], made odd.',
  'track.segment.closing_size_px': 'Width of the morphological closing that removes cracks from the reference background [px]; wider than any crack.',
  'track.tips': 'Tip-finding settings; leave out a key for its default.',
  'track.tips.min_prominence_px': 'A depth maximum is a separate tip when it stands this far above its saddle [px].',
  'track.tips.min_length_px': 'Regions shallower than this, measured from the interface, are not dendrites [px].',
  'track.link': 'Linking of tips into tracks; leave out a key for its default.',
  'track.link.gate_px': 'Minimum gate radius for linking a tip to a track [px].',
  'track.link.max_gap_frames': 'Frames a track may miss before it is closed.',
  'track.min_track_points': 'Tracks with fewer points are dropped, ≥ 2.',
  'track.min_growth_px': 'Tracks that grow less than this over the run are static features, not dendrites [px].',
  'track.min_rate_length_px': 'Tips nearer the interface than this are reported but not used for the velocity fit [px].',
  'track.require_growth': 'Keep only tracks whose velocity is significantly positive (lower 95 % bound > 0): static dark features touching the electrode are not dendrites.',
  'track.min_height_px': 'Tracks whose tip never gets this far from the interface (normal distance) are dropped [px].',
  'track.max_tilt_deg': 'Tracks growing more than this from the electrode normal are dropped: features moving along the interface [deg], 0–89.',
  'track.rate_window_points': 'Points per window of the windowed velocity series, ≥ 5.',
};

// The options of the lesion suggestion, one a step, each with the reason for its default (the
// literature's HU bands, vessel calibres, the size of a COVID-19 opacity): the defaults are the method.

export interface SuggestionOptions {
  /**
   * Ground-glass band, HU, inclusive low, exclusive high: [-700, -300).
   * -700: the upper limit of well-aerated lung in COVID-19 CT quantification (Colombi et al.,
   * Radiology 2020: well-aerated lung -950…-700 HU). Normal inspiratory parenchyma is about
   * -850 ± 50 HU, so -700 keeps normal lung out also in its denser dependent parts, with the noise
   * left after binning and the median.
   * -300: the split between ground glass (lung still partly aerated, vessels visible through it)
   * and consolidation (airless, vessels hidden) used by the threshold-based COVID-19 quantification
   * methods; the Gattinoni/Lanza compartments (poorly aerated -500…-100) sit in the same range.
   */
  ggoHu: [number, number];
  /**
   * Consolidation band, HU, inclusive: [-300, 100]. Airless lung is soft tissue, -100…+100 in
   * non-contrast CT; from -300 the partial volume of dense lesions counts too. Above +100 is
   * calcification or contrast-filled vessel, never a lesion to suggest.
   */
  consolidationHu: [number, number];
  /**
   * 3×3 in-plane median (on the working grid, after the binning of workPixelMm) before
   * thresholding. Lung noise on a soft kernel is 20–40 HU, enough to push normal lung over -700 in
   * specks; the median removes them without blurring the lesion edge or spreading vessels the way
   * a mean would.
   */
  median3: boolean;
  /**
   * Dense voxels (consolidation band or brighter) that do not survive an in-plane opening with a
   * disc of this radius, mm, are vessels: segmental and subsegmental pulmonary vessels are up to
   * ~7 mm across and their partial volume widens them by a pixel or two, so tubes narrower than
   * 9 mm go, while COVID-19 consolidation is wider. Lobar and hilar vessels (10–20 mm) survive:
   * the lung mask is meant to leave the hila out. 4.5 mm.
   */
  vesselRadiusMm: number;
  /**
   * Ground glass within this distance, mm, in-plane, of a vessel voxel is the vessel's partial
   * volume rim, not a lesion: one working pixel (two CT pixels of 0.6 mm). 1.2 mm.
   */
  vesselRimMm: number;
  /**
   * Airway lumen: voxels at or below this (smoothed) HU. -950 is the emphysema index threshold
   * (LAA-950): only a small fraction of normal inspiratory lung lies below it, while the lumen of a
   * bronchus wider than ~2 mm does.
   */
  airwayLumenHu: number;
  /**
   * Candidates within this distance, mm, in-plane, of airway lumen are bronchial wall (1–2 mm thick
   * with its partial volume). 1.2 mm. In a consolidation an air bronchogram becomes a small hole.
   */
  airwayRimMm: number;
  /**
   * Final in-plane opening of all candidates with a disc of this radius, mm: what is thinner than
   * 4 mm in every in-plane direction is a fissure, a bronchial wall, a vessel rim or noise, not
   * a COVID-19 opacity (which are centimetres). 2 mm.
   */
  openingRadiusMm: number;
  /**
   * A candidate must lie in a run of at least this craniocaudal length, mm (at least one slice):
   * removes single-slice structures (fissures cut flat, noise, streaks). 4 mm.
   */
  minCraniocaudalMm: number;
  /**
   * Lung-edge zone, mm, from the lung mask boundary (in-plane disc, and the same distance in whole
   * slices through the plane): partial volume with the chest wall, mediastinum and diaphragm dome
   * has lesion HU there. Voxels of the zone are suggested only as part of a lesion found outside it.
   * 2 mm: one to three voxels of the partial-volume layer.
   */
  edgeMm: number;
  /**
   * Dependent density band, mm from the lung boundary in the dependent direction: in a supine
   * patient, gravity-dependent subpleural atelectasis is a band a few mm to ~1 cm thick along the
   * posterior lung edge. Its voxels are suggested only as part of a lesion found outside it. 8 mm.
   */
  dependentBandMm: number;
  /**
   * Which side is dependent: 'posterior' for supine (the usual chest CT), 'anterior' for prone, or
   * 'none'. The patient position is not in CtVolume, so the caller says.
   */
  dependentSide: 'posterior' | 'anterior' | 'none';
  /**
   * Components whose part outside the edge zone and the dependent band is smaller than this, mL,
   * are dropped: 0.5 mL is a ball of 10 mm, the size below which a focus is a nodule, a vessel
   * crossing or a speck rather than the patchy opacity of COVID-19 pneumonia.
   */
  minComponentMl: number;
  /**
   * A component is 'ggo' or 'consolidation' when at least this fraction of its voxels is in that
   * band, otherwise 'mixed'. 0.8. A label for the reader only; the biomarkers measure the fraction.
   */
  kindPurity: number;
  /**
   * Working pixel, mm: in-plane CT pixels are binned f×f, f = round(this / pixel), by mean HU
   * (2×2 for the usual 0.6–0.8 mm pixels) before the work: COVID-19 opacities are centimetres, the
   * binning halves the noise, and it cuts the work by four, which is what keeps 512×512×300 under
   * 3 s. Each CT voxel of the lung then takes its working pixel's label. 1.2 mm.
   */
  workPixelMm: number;
}

export const DEFAULT_SUGGESTION_OPTIONS: Readonly<SuggestionOptions> = {
  ggoHu: [-700, -300],
  consolidationHu: [-300, 100],
  median3: true,
  vesselRadiusMm: 4.5,
  vesselRimMm: 1.2,
  airwayLumenHu: -950,
  airwayRimMm: 1.2,
  openingRadiusMm: 2,
  minCraniocaudalMm: 4,
  edgeMm: 2,
  dependentBandMm: 8,
  dependentSide: 'posterior',
  minComponentMl: 0.5,
  kindPurity: 0.8,
  workPixelMm: 1.2,
};

package report

// Hooks for the external tests of the trends report.

// ShareText is the value a trends table and chart show.
var ShareText = shareText

// ConceptID is the cell id of a concept.
var ConceptID = conceptID

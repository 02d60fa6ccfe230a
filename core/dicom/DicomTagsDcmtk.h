#pragma once
/// \file DicomTagsDcmtk.h
/// INTERNAL to ks_dicom: tag rows from an already-loaded DCMTK item.

#include "common/Image.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

#include <vector>

namespace ks::dicom::detail {

/// Appends the rows of `item` (recursively) at `depth` to `out`. Not thread-safe on `item`.
void appendTags(DcmItem& item, int depth, size_t maxValueChars, std::vector<TagEntry>& out);

} // namespace ks::dicom::detail

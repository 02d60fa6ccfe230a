#pragma once
/// \file MetaTypes.h
/// Core value types that travel through queued signals between the loader thread and the GUI.

#include "common/Image.h"
#include "dicom/StudyScanner.h"

#include <QMetaType>

Q_DECLARE_METATYPE(ks::Image)
Q_DECLARE_METATYPE(ks::dicom::StudyTree)

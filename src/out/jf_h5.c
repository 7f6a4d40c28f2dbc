/* jf_h5.c: HDF5 helpers shared by the results writer and reader. */
#include "out/jf_h5.h"

void jf_h5_close_ids(const hid_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const hid_t id = ids[i];
        if (id < 0)
            continue;
        switch (H5Iget_type(id)) {
        case H5I_DATASET:
            H5Dclose(id);
            break;
        case H5I_GROUP:
            H5Gclose(id);
            break;
        case H5I_ATTR:
            H5Aclose(id);
            break;
        case H5I_DATASPACE:
            H5Sclose(id);
            break;
        case H5I_DATATYPE:
            H5Tclose(id);
            break;
        case H5I_GENPROP_LST:
            H5Pclose(id);
            break;
        case H5I_FILE:
            H5Fclose(id);
            break;
        default:  /* nothing this code opens */
            break;
        }
    }
}

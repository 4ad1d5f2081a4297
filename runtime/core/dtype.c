/* dtype.c - names and sizes of ONNX element types. */
#include "onnxc.h"

const char *onnxc_dtype_name(onnxc_dtype dtype)
{
    switch (dtype) {
    case ONNXC_UNDEFINED: return "undefined";
    case ONNXC_FLOAT: return "float";
    case ONNXC_UINT8: return "uint8";
    case ONNXC_INT8: return "int8";
    case ONNXC_UINT16: return "uint16";
    case ONNXC_INT16: return "int16";
    case ONNXC_INT32: return "int32";
    case ONNXC_INT64: return "int64";
    case ONNXC_STRING: return "string";
    case ONNXC_BOOL: return "bool";
    case ONNXC_FLOAT16: return "float16";
    case ONNXC_DOUBLE: return "double";
    case ONNXC_UINT32: return "uint32";
    case ONNXC_UINT64: return "uint64";
    case ONNXC_COMPLEX64: return "complex64";
    case ONNXC_COMPLEX128: return "complex128";
    case ONNXC_BFLOAT16: return "bfloat16";
    }
    return "?";
}

size_t onnxc_dtype_size(onnxc_dtype dtype)
{
    switch (dtype) {
    case ONNXC_BOOL:
    case ONNXC_UINT8:
    case ONNXC_INT8: return 1;
    case ONNXC_UINT16:
    case ONNXC_INT16:
    case ONNXC_FLOAT16:
    case ONNXC_BFLOAT16: return 2;
    case ONNXC_FLOAT:
    case ONNXC_INT32:
    case ONNXC_UINT32: return 4;
    case ONNXC_DOUBLE:
    case ONNXC_INT64:
    case ONNXC_UINT64:
    case ONNXC_COMPLEX64: return 8;
    case ONNXC_COMPLEX128: return 16;
    case ONNXC_UNDEFINED:
    case ONNXC_STRING: return 0;
    }
    return 0;
}

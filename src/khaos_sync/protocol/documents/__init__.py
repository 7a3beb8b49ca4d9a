"""KSDXML documents: one module per document, each with typed records and a parser.

- ``stock`` — KSDXMLStock (ExportStock), streamed
- ``stock_status`` — KSDXMLStockStatus (ExportStockStatus)
- ``web_categories`` — KSDXMLWebCategories and KSDXMLWebCategoriesEx2
- ``orders`` — KSDXMLImportFormat (ImportOrders / ExportOrders), parsed and built
- ``order_status`` — KSDXMLOrderStatus and KSDXMLOrderStatusEx
- ``customers`` — KSDXMLCustomer (ExportCompany)
- ``deleted`` — KSDXMLDeletedEntries (GetDeletedEntries)
- ``price_lists`` — KSDXMLPriceLists (ExportPriceList)
- ``catalogue_requests`` — KSDXMLCatRequest
- ``sop_data`` — KSDXMLSOPData (GetSOPData), the parts the connector uses
"""

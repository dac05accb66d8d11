"""Vietnamese names for the graph's properties, for people reading entity pages and the graph view.

The pages keep the standard name beside it (`eli:passed_by`) for those who write SPARQL.
"""

from __future__ import annotations

from graph.uris import PREFIXES, local_name

_LABELS = {
    "rdf:type": "Loại",
    "rdfs:label": "Tên",
    "skos:prefLabel": "Tên",
    "skos:altLabel": "Tên khác",
    "skos:notation": "Ký hiệu",
    "eli:id_local": "Số hiệu",
    "eli:type_document": "Loại văn bản",
    "eli:date_document": "Ngày ban hành",
    "eli:passed_by": "Cơ quan ban hành",
    "eli:title": "Trích yếu",
    "eli:based_on": "Căn cứ",
    "eli:cites": "Trích dẫn",
    "eli:implements": "Triển khai",
    "eli:amends": "Sửa đổi, bổ sung",
    "eli:repeals": "Bãi bỏ",
    "eli:changes": "Thay đổi",
    "eli:first_date_entry_in_force": "Ngày có hiệu lực",
    "eli:date_no_longer_in_force": "Ngày hết hiệu lực",
    "eli:has_part": "Gồm phần",
    "eli:is_part_of": "Thuộc văn bản",
    "dcterms:title": "Tiêu đề",
    "dcterms:date": "Ngày đăng",
    "dcterms:creator": "Tác giả",
    "dcterms:source": "Nguồn",
    "dcterms:identifier": "Mã định danh",
    "dcterms:language": "Ngôn ngữ",
    "dcterms:references": "Nhắc đến",
    "dcterms:isPartOf": "Thuộc",
    "qb:dataSet": "Bộ số liệu",
    "sdmx-dimension:refArea": "Địa bàn",
    "sdmx-dimension:refPeriod": "Năm",
    "sdmx-attribute:unitMeasure": "Đơn vị đo",
    "oa:hasBody": "Nội dung chú thích",
    "oa:hasTarget": "Đích chú thích",
    "oa:hasSource": "Nguồn",
    "oa:hasSelector": "Vị trí trích",
    "oa:motivatedBy": "Mục đích",
    "oa:exact": "Đoạn trích",
    "oa:start": "Vị trí bắt đầu",
    "oa:end": "Vị trí kết thúc",
    "org:subOrganizationOf": "Trực thuộc",
    "org:member": "Thành viên",
    "org:organization": "Tổ chức",
    "org:role": "Chức vụ",
    "foaf:name": "Họ tên",
    "foaf:primaryTopic": "Chủ đề chính",
    "reform:numberKey": "Khóa tra cứu số hiệu",
    "reform:localNumber": "Số",
    "reform:year": "Năm",
    "reform:replaces": "Thay thế",
    "reform:guides": "Hướng dẫn",
    "reform:signer": "Người ký",
    "reform:signerPosition": "Chức vụ người ký",
    "reform:signingMode": "Hình thức ký",
    "reform:proposer": "Cơ quan đề nghị",
    "reform:proposedBy": "Theo đề nghị của",
    "reform:proposal": "Tờ trình",
    "reform:name": "Tên gọi",
    "reform:passage": "Đoạn văn",
    "rdf:subject": "Chủ thể",
    "rdf:predicate": "Quan hệ",
    "rdf:object": "Đối tượng",
    "reform:mentionsAgency": "Nhắc đến cơ quan",
    "reform:task": "Nhiệm vụ",
    "reform:taskOf": "Nhiệm vụ của",
    "reform:indicator": "Chỉ số",
    "reform:value": "Giá trị",
    "reform:scale": "Thang điểm",
    "reform:rank": "Xếp hạng",
    "reform:rankOutOf": "Trên tổng số",
    "reform:area": "Địa bàn",
    "reform:within": "Thuộc địa bàn",
    "reform:start": "Vị trí bắt đầu",
    "reform:end": "Vị trí kết thúc",
    "reform:structuralPath": "Vị trí trong văn bản",
}
PROPERTY_LABELS = {str(PREFIXES[name.split(":", 1)[0]]) + name.split(":", 1)[1]: label for name, label in _LABELS.items()}
_COMPACT = sorted(((str(namespace), prefix) for prefix, namespace in PREFIXES.items()), key=lambda pair: -len(pair[0]))


def property_label(iri: str) -> str:
    """The Vietnamese name of a property, or its compact name when it has none.

    >>> property_label("http://data.europa.eu/eli/ontology#passed_by"), property_label("http://example.org/x#y")
    ('Cơ quan ban hành', 'y')
    """
    return PROPERTY_LABELS.get(iri) or compact_name(iri).split(":", 1)[-1]


def compact_name(iri: str) -> str:
    """`eli:passed_by` for a property IRI under a known prefix, else the IRI's last segment.

    >>> compact_name("http://data.europa.eu/eli/ontology#passed_by")
    'eli:passed_by'
    """
    for namespace, prefix in _COMPACT:
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return local_name(iri)


# The same statements read from the other end, for what points to an entity ("Văn bản ban hành" on an
# agency's page for eli:passed_by): the pages group what points to an entity under these names.
_INVERSE = {
    "eli:passed_by": "Văn bản ban hành",
    "eli:based_on": "Văn bản căn cứ vào mục này",
    "eli:cites": "Văn bản dẫn chiếu đến",
    "eli:implements": "Văn bản triển khai thực hiện",
    "eli:amends": "Văn bản sửa đổi, bổ sung",
    "eli:repeals": "Văn bản bãi bỏ",
    "reform:replaces": "Văn bản thay thế",
    "reform:guides": "Văn bản hướng dẫn",
    "eli:type_document": "Văn bản thuộc loại này",
    "eli:is_part_of": "Gồm các phần",
    "eli:has_part": "Thuộc văn bản",
    "dcterms:references": "Nơi nhắc đến",
    "dcterms:isPartOf": "Gồm các đoạn",
    "reform:mentionsAgency": "Nơi nhắc đến",
    "org:organization": "Cán bộ, chức vụ",
    "org:member": "Chức vụ",
    "org:subOrganizationOf": "Đơn vị trực thuộc",
    "reform:signer": "Văn bản đã ký",
    "reform:indicator": "Số liệu",
    "qb:dataSet": "Số liệu",
    "sdmx-dimension:refArea": "Số liệu của địa bàn",
    "reform:area": "Số liệu của địa bàn",
    "reform:within": "Địa bàn trực thuộc",
    "reform:task": "Thuộc kế hoạch",
    "reform:taskOf": "Nhiệm vụ",
    "foaf:primaryTopic": "Văn bản nguồn",
    "reform:passage": "Điều khoản",
}
INVERSE_LABELS = {str(PREFIXES[name.split(":", 1)[0]]) + name.split(":", 1)[1]: label for name, label in _INVERSE.items()}


def inverse_label(iri: str) -> str:
    """What an entity calls the things pointing to it through a property.

    >>> inverse_label("http://data.europa.eu/eli/ontology#passed_by"), inverse_label("http://example.org/x#y")
    ('Văn bản ban hành', 'Liên kết qua “y”')
    """
    return INVERSE_LABELS.get(iri) or f"Liên kết qua “{property_label(iri)}”"
